import type { TracedClient } from './sdk.js';

export type { TracedClient } from './sdk.js';

export interface TelemetryPreload {
  /** The service's name on its traces, unless OTEL_SERVICE_NAME says otherwise. */
  readonly serviceName: string;
  /** The client packages the service imports whose calls become spans (see sdk.ts). */
  readonly tracedClients: readonly TracedClient[];
}

const isSet = (env: Readonly<Record<string, string | undefined>>, name: string) => (env[name] ?? '') !== '';

/**
 * What each deployable's preload (its src/telemetry.ts, run with `node --import`) calls: OpenTelemetry
 * must patch http, pg, ioredis and pino before the application imports them, which a call from
 * server.ts would do too late. Without an OTLP endpoint it loads nothing at all (the SDK is imported
 * only then): tracing costs nothing until it is configured.
 */
export async function preloadTelemetry(
  preload: TelemetryPreload,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  if (!isSet(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') && !isSet(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) return;
  const { startTelemetry } = await import('./sdk.js');
  await startTelemetry(preload, env);
}
