import { register } from 'node:module';
import type { IncomingMessage } from 'node:http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { PROJECT } from '../../shared/project.js';
import { onTelemetryShutdown } from './shutdown.js';

// Probes and scrapes arrive every few seconds and say nothing about the service's work.
const UNTRACED_PATHS = /^\/(health\/|metrics(\?|$))/;

/**
 * Starts OpenTelemetry tracing, configured by the standard OTEL_* variables: the OTLP endpoint and
 * protocol (http/protobuf by default), OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER(_ARG) for sampling,
 * OTEL_BSP_* for batching. Traces incoming and outgoing HTTP, PostgreSQL and Redis; log lines
 * written during a traced operation carry its trace_id and span_id. Metrics stay with Prometheus
 * (/metrics) and logs with stdout, so no metric or log exporter is started.
 */
export async function startTelemetry(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  // ES modules are patched by import-in-the-middle's loader hook; limited to the modules the
  // instrumentations name, every other module loads untouched.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName: PROJECT.name }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.test(request.url ?? ''),
      }),
      new PgInstrumentation(),
      new IORedisInstrumentation(),
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  sdk.start();
  onTelemetryShutdown(() => sdk.shutdown());

  await waitForAllMessagesAcknowledged();
}
