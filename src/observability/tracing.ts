// OpenTelemetry tracing through the Temporal SDK's interceptors (@temporalio/interceptors-opentelemetry):
// a span for each workflow start from the API, each workflow task and each activity, linked into
// one trace. Off by default; on with the standard variables: OTEL_TRACES_EXPORTER=otlp (or
// console) and OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_SERVICE_NAME.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
// A dependency of @opentelemetry/sdk-trace-node, at the same version.
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Config } from '../config.js';

export interface Tracing {
  resource: Resource;
  exporter: SpanExporter;
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/** Installs the global tracer provider when OTEL_TRACES_EXPORTER asks for it; undefined otherwise. */
export function installTracing(config: Pick<Config, 'OTEL_TRACES_EXPORTER' | 'OTEL_SERVICE_NAME'>, role: 'api' | 'worker'): Tracing | undefined {
  if (config.OTEL_TRACES_EXPORTER === 'none') return undefined;
  if (installed) return installed;
  const resource = new Resource({ 'service.name': config.OTEL_SERVICE_NAME ?? `shegong-${role}` });
  // The OTLP exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and _HEADERS itself.
  const exporter: SpanExporter = config.OTEL_TRACES_EXPORTER === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter();
  const provider = new NodeTracerProvider({ resource });
  provider.addSpanProcessor(new BatchSpanProcessor(exporter));
  provider.register();
  installed = { resource, exporter, shutdown: () => provider.shutdown() };
  return installed;
}
