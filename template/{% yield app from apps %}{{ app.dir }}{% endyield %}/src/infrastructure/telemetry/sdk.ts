import { register as registerAsyncHooks } from 'node:module';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { register as registerSyncHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';
import { PROJECT } from '../../shared/project.js';
import { onTelemetryShutdown } from './shutdown.js';

// The instrumented packages this service imports from ES modules: the loader hook wraps these and
// nothing else. Add a package here when you add its instrumentation.
const ESM_INSTRUMENTED = ['pg', 'ioredis', 'pino'];

/**
 * Starts OpenTelemetry tracing, configured by the standard OTEL_* variables: the OTLP endpoint and
 * protocol (http/protobuf by default), OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER(_ARG) for sampling,
 * OTEL_BSP_* for batching. Traces PostgreSQL and Redis here; the HTTP server spans come from
 * Fastify's hooks (telemetry/http-spans.ts), far cheaper than the node:http instrumentation, which
 * is therefore not loaded (add @opentelemetry/instrumentation-undici here if the service starts
 * calling other services, so its calls carry the trace on). Log lines
 * written during a traced operation carry its trace_id and span_id. Metrics stay with Prometheus
 * (/metrics) and logs with stdout, so no metric or log exporter is started.
 */
export async function startTelemetry(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const hooksReady = installLoaderHooks();

  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName: PROJECT.name }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new PgInstrumentation(),
      new IORedisInstrumentation(),
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  sdk.start();
  onTelemetryShutdown(() => sdk.shutdown());
  await hooksReady();
}

/**
 * ES modules are patched through import-in-the-middle's loader hooks: synchronous, in-thread hooks
 * on the Node.js versions that support them, the older off-thread loader otherwise. Returns what
 * to await before the application may import anything.
 */
function installLoaderHooks(): () => Promise<void> {
  if (supportsSyncHooks()) {
    registerSyncHooks({ include: ESM_INSTRUMENTED });
    return () => Promise.resolve();
  }
  // Node.js before 22.22.3 / 24.11.1: module.register() is the only loader API that works there.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- fallback for older Node.js, see above
  registerAsyncHooks('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  return waitForAllMessagesAcknowledged;
}
