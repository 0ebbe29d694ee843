import { describe, expect, it } from 'vitest';

describe('the telemetry preload', () => {
  it('starts nothing when no OTLP endpoint is configured', async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;

    await import('../../src/telemetry.js');

    // The OpenTelemetry API keeps its registered providers under this global; nothing registered any.
    expect(Reflect.get(globalThis, Symbol.for('opentelemetry.js.api.1'))).toBeUndefined();
  });
});
