import { register as registerAsyncHooks } from 'node:module';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { register as registerSyncHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';
import { correlateLogsWith } from './log-correlation.js';
import { onTelemetryShutdown } from './shutdown.js';

/**
 * The instrumentation of each client package a service may trace, loaded only for the services that
 * name it: the gateway, which has no database, never loads the PostgreSQL one. Add a package here (and
 * its instrumentation to this package's dependencies) when a service starts using it.
 */
const INSTRUMENTATIONS = {
  pg: async () => new (await import('@opentelemetry/instrumentation-pg')).PgInstrumentation(),
  ioredis: async () => new (await import('@opentelemetry/instrumentation-ioredis')).IORedisInstrumentation(),
};

/** A client package whose calls become spans: the loader hook wraps these and nothing else. */
export type TracedClient = keyof typeof INSTRUMENTATIONS;

/**
 * Starts OpenTelemetry tracing, configured by the standard OTEL_* variables: the OTLP endpoint and
 * protocol (http/protobuf by default), OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER(_ARG) for sampling,
 * OTEL_BSP_* for batching. Traces the service's PostgreSQL and Redis clients (`tracedClients`); the
 * HTTP server spans come from Fastify's hooks (http-spans.ts), far cheaper than the node:http
 * instrumentation, which is therefore not loaded (a service that starts calling other services adds
 * @opentelemetry/instrumentation-undici, so its calls carry the trace on; the gateway's proxy writes
 * each request's trace context into the upstream request's `traceparent` header itself). Log lines
 * written during a sampled operation carry its trace_id and span_id (sampledTraceFields). Metrics stay
 * with Prometheus (/metrics) and logs with stdout, so no metric or log exporter is started.
 */
export async function startTelemetry(
  { serviceName, tracedClients }: { readonly serviceName: string; readonly tracedClients: readonly TracedClient[] },
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const hooksReady = installLoaderHooks(tracedClients);

  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: await Promise.all(tracedClients.map((client) => INSTRUMENTATIONS[client]())),
  });
  sdk.start();
  correlateLogsWith(sampledTraceFields);
  onTelemetryShutdown(() => sdk.shutdown());
  await hooksReady();
}

/**
 * The trace of the operation a line is logged in, when that trace is sampled: the fields
 * OpenTelemetry's pino instrumentation writes, under the same names, which the collector's logs
 * pipeline reads (observability/logs.yaml). An unsampled request's lines get none: its trace is
 * never exported, so an id would lead nowhere, and writing three fields on every line of the nine
 * requests in ten that are not sampled was a tenth of what tracing added to a request's CPU. Those
 * lines are still tied together by their request id. pino merges the line's own fields into the
 * object returned, so it is a new one each time.
 */
function sampledTraceFields(): object {
  const span = trace.getSpan(context.active());
  if (span === undefined) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  if ((traceFlags & TraceFlags.SAMPLED) === 0) return {};
  return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}` };
}

/**
 * ES modules are patched through import-in-the-middle's loader hooks: synchronous, in-thread hooks
 * on the Node.js versions that support them, the older off-thread loader otherwise. Returns what
 * to await before the application may import anything.
 */
function installLoaderHooks(include: readonly TracedClient[]): () => Promise<void> {
  if (supportsSyncHooks()) {
    registerSyncHooks({ include: [...include] });
    return () => Promise.resolve();
  }
  // Node.js before 22.22.3 / 24.11.1: module.register() is the only loader API that works there.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- fallback for older Node.js, see above
  registerAsyncHooks('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  return waitForAllMessagesAcknowledged;
}
