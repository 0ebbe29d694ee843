// Preloaded before the application: `node --import ./dist/telemetry.js dist/server.js` (the start
// scripts, the Dockerfile and compose.yaml do it). OpenTelemetry must patch http, pg, ioredis and
// pino before the application imports them, which a call from server.ts would do too late.
// Without an OTLP endpoint it loads nothing at all: tracing costs nothing until it is configured.
const isSet = (name: string) => (process.env[name] ?? '') !== '';

if (isSet('OTEL_EXPORTER_OTLP_ENDPOINT') || isSet('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) {
  const { startTelemetry } = await import('./infrastructure/telemetry/sdk.js');
  await startTelemetry(process.env);
}

export {};
