import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
} from '@opentelemetry/api';
import type { BrokerMessage } from './broker.js';

/**
 * W3C trace context (traceparent, tracestate) carried in message headers, so that a consumer's work
 * joins the trace of the request that produced the event. Without an OpenTelemetry SDK registered
 * (tests, telemetry switched off) the API is a no-op: nothing is injected, nothing is traced. The
 * publishing side stores the headers with the event: packages/platform telemetry/trace-headers.ts.
 */

/**
 * The producer's context read from `headers`. It starts from the root context, not the active one:
 * the consume loop's own context (whatever was active when it started) must not become a parent.
 */
export function extractTraceContext(headers: Readonly<Record<string, string>>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** Runs `fn` inside the producer's trace context. */
export function withExtractedContext<T>(headers: Readonly<Record<string, string>>, fn: () => T): T {
  return context.with(extractTraceContext(headers), fn);
}

const tracer = trace.getTracer('broker');

export interface ConsumerSpanDetails {
  readonly system: 'rabbitmq' | 'nats';
  /** The queue (RabbitMQ) or stream (NATS) the message was read from. */
  readonly destination: string;
  readonly consumer: string;
  readonly attempt: number;
}

/**
 * Runs a message handler in a CONSUMER span, child of the producer's span, named and attributed
 * after the OpenTelemetry messaging conventions. The handler's own spans and log lines (through
 * the pino instrumentation) then carry the producer's trace id.
 */
export function inConsumerSpan(
  message: BrokerMessage,
  details: ConsumerSpanDetails,
  work: () => Promise<void>,
): Promise<void> {
  const attributes: Attributes = {
    'messaging.system': details.system,
    'messaging.operation.type': 'process',
    'messaging.destination.name': details.destination,
    'messaging.consumer.group.name': details.consumer,
    'messaging.message.id': message.id,
    'messaging.message.type': message.type,
    'messaging.message.delivery_attempt': details.attempt,
  };
  return withExtractedContext(message.headers, () =>
    tracer.startActiveSpan(`process ${message.type}`, { kind: SpanKind.CONSUMER, attributes }, async (span) => {
      try {
        await work();
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    }),
  );
}
