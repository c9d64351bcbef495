import { fileURLToPath } from 'node:url';
import type { PayloadCodec } from '@temporalio/common';
import { OpenTelemetryActivityInboundInterceptor, makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Tracing } from '../observability/tracing.js';
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import { encryptedDataConverter } from './codec.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
const TRACING_INTERCEPTORS_PATH = fileURLToPath(new URL('../../workflows/tracing-interceptors.ts', import.meta.url));

export interface WorkerSetup {
  address: string;
  namespace: string;
  taskQueue: string;
  activityDeps: ActivityDeps;
  /** Encrypts and decrypts every payload (the same keys as the clients'). */
  payloadCodec: PayloadCodec;
  /** A prebuilt bundle (tests build one per file); otherwise the worker bundles workflows/ itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Tuning, explicit in benchmarks. */
  tuning?: Partial<Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions'>>;
  /** OpenTelemetry tracing (src/observability/tracing.ts), when on. Needs the worker to bundle workflows itself. */
  tracing?: Tracing;
}

export async function createWorker(setup: WorkerSetup): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: setup.address });
  const worker = await Worker.create({
    connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    activities: createActivities(setup.activityDeps),
    dataConverter: encryptedDataConverter(setup.payloadCodec),
    ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(setup.tracing ? {
      interceptors: {
        workflowModules: [TRACING_INTERCEPTORS_PATH],
        activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx) })],
      },
      sinks: { exporter: makeWorkflowExporter(setup.tracing.exporter, setup.tracing.resource) },
    } : {}),
    ...setup.tuning,
  });
  return { worker, connection };
}

let runtimeInstalled = false;

/**
 * Routes the SDK's logs through pino (warnings and worse by default: its info lines include
 * webpack's bundle report) and leaves SIGINT/SIGTERM to our entry points, which stop the worker,
 * the API, the store and the dev server in order.
 */
export function installRuntime(logger: Logger, level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'WARN', options: { sdkMetricsAddress?: string } = {}): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const sdkLogger = new DefaultLogger(level, (entry) => {
    const method = entry.level === 'ERROR' ? 'error' : entry.level === 'WARN' ? 'warn' : entry.level === 'INFO' ? 'info' : 'debug';
    logger[method]({ sdk: true, ...entry.meta }, entry.message);
  });
  // The SDK's own metrics (task slots, schedule-to-start latency, sticky cache hits, polls) on their
  // own Prometheus endpoint, when TEMPORAL_SDK_METRICS_ADDRESS names one.
  const telemetryOptions = options.sdkMetricsAddress
    ? { metrics: { prometheus: { bindAddress: options.sdkMetricsAddress, countersTotalSuffix: true } } }
    : undefined;
  Runtime.install({ logger: sdkLogger, shutdownSignals: [], ...(telemetryOptions ? { telemetryOptions } : {}) });
}
