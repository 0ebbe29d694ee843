import { context, propagation } from '@opentelemetry/api';

/**
 * The active W3C trace context (traceparent, tracestate) as headers, to store with an event in the
 * outbox: whoever handles the event later joins the trace of the request that raised it. Without an
 * OpenTelemetry SDK registered (tests, telemetry switched off) nothing is injected.
 */
export function injectTraceContext(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}
