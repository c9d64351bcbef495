import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { collectMetrics, METRICS_CONTENT_TYPE } from '../services/metrics.js';
import { ApiError } from './errors.js';
import type { AppDeps } from './route.js';

export const METRICS_PATH = '/metrics';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * GET /metrics in Prometheus text format. Without METRICS_TOKEN only loopback callers are
 * answered (a request relayed by a proxy, carrying X-Forwarded-For, is not loopback); with it, a
 * caller presenting `Authorization: Bearer <METRICS_TOKEN>` is answered from anywhere. Refusals
 * use the API's error shape.
 */
export function serveMetrics(deps: AppDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = deps.config.METRICS_TOKEN;
      const bearer = /^Bearer (.+)$/i.exec(req.header('authorization') ?? '')?.[1];
      const direct = !req.header('x-forwarded-for') && LOOPBACK.test(req.socket.remoteAddress ?? '');
      if (bearer !== undefined) {
        if (!token || !sameSecret(bearer, token)) throw new ApiError('unauthorized', 'the metrics token is not valid');
      } else if (!direct) {
        throw token
          ? new ApiError('unauthorized', 'metrics need Authorization: Bearer <METRICS_TOKEN>')
          : new ApiError('forbidden', 'metrics are served to loopback callers only; set METRICS_TOKEN to allow others');
      }
      res.setHeader('Content-Type', METRICS_CONTENT_TYPE);
      res.setHeader('Cache-Control', 'no-store');
      res.send(await collectMetrics(deps));
    } catch (error) {
      next(error);
    }
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
