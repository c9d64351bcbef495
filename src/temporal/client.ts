import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { workflowStarts } from '../observability/metrics.js';
import { encryptedDataConverter } from './codec.js';

/** Counts every workflow this client starts, by type, for /metrics (shegong_workflow_starts_total). */
export const countWorkflowStarts: WorkflowClientInterceptor = {
  async start(input, next) {
    const runId = await next(input);
    workflowStarts.inc({ workflow_type: input.workflowType });
    return runId;
  },
  async signalWithStart(input, next) {
    const runId = await next(input);
    workflowStarts.inc({ workflow_type: input.workflowType });
    return runId;
  },
};

export interface ClientOptions {
  /** Adds the OpenTelemetry client interceptor (src/observability/tracing.ts installed the provider). */
  tracing?: boolean;
}

/**
 * Connects to Temporal, retrying while the server starts (a cluster may be slower than the app).
 * Every payload the client sends or reads passes through `payloadCodec` (src/temporal/codec.ts).
 */
export async function connectTemporal(address: string, namespace: string, payloadCodec: PayloadCodec, timeoutMs = 60_000, options: ClientOptions = {}): Promise<Client> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 5_000 });
      const interceptors = [countWorkflowStarts, ...(options.tracing ? [new OpenTelemetryWorkflowClientInterceptor()] : [])];
      return new Client({ connection, namespace, dataConverter: encryptedDataConverter(payloadCodec), interceptors: { workflow: interceptors } });
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  throw new Error(`cannot reach Temporal at ${address}: ${(lastError as Error)?.message}`);
}
