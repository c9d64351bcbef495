import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Principal } from '../domain/principal.js';
import { readSideVersion } from '../services/read-side.js';
import type { AppDeps } from './route.js';

// Conditional GETs for the dashboard's polls. A route marked `etag` answers with an ETag built
// from the caller's scope version (bumped by every write in the scope, in the writing
// transaction), who the caller is (answers differ by role, scope and person), the request's URL
// and the current minute (figures such as "overdue" move with the clock alone). A poll that sends
// the same ETag back gets 304 Not Modified before any report is computed.
//
// The version is read before the answer is computed: a write that commits in between makes the
// answer newer than its ETag, so the next poll computes again; never the other way round.

export const ETAG_WINDOW_MS = 60_000;

export async function scopeEtag(deps: AppDeps, principal: Principal, url: string): Promise<string> {
  const version = await readSideVersion(deps, principal);
  const minute = Math.floor(deps.clock().getTime() / ETAG_WINDOW_MS);
  const identity = [principal.tokenId, principal.role, principal.scopeId, principal.workerId ?? ''].join('|');
  const hash = createHash('sha256').update(`${version}\n${minute}\n${identity}\n${url}`).digest('base64url').slice(0, 27);
  return `W/"${version}-${hash}"`;
}

/** Whether an If-None-Match header names this ETag (a list, or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const weak = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || weak(tag) === weak(etag));
}

/**
 * The conditional-GET step: sets the ETag and `Cache-Control: private, no-cache` (browsers keep
 * the answer and revalidate every poll) and answers 304 when the caller already holds it.
 * Returns whether it answered.
 */
export async function answerIfNotModified(deps: AppDeps, principal: Principal, req: Request, res: Response): Promise<boolean> {
  const etag = await scopeEtag(deps, principal, req.originalUrl);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  res.vary('Authorization');
  res.vary('Cookie');
  if (!etagMatches(req.header('if-none-match'), etag)) return false;
  res.status(304).end();
  return true;
}
