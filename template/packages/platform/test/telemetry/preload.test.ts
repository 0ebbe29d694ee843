import { describe, expect, it } from 'vitest';
import { preloadTelemetry } from '../../src/telemetry/preload.js';

describe('the telemetry preload', () => {
  it('starts nothing when no OTLP endpoint is configured', async () => {
    await preloadTelemetry({ serviceName: 'test', tracedClients: ['pg', 'ioredis'] }, {});

    // The OpenTelemetry API keeps its registered providers under this global; nothing registered any.
    expect(Reflect.get(globalThis, Symbol.for('opentelemetry.js.api.1'))).toBeUndefined();
  });
});
