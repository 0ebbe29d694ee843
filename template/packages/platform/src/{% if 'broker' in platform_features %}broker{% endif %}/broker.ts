import type { Logger } from '../observability/logger.js';

/**
 * Events between deployables, over RabbitMQ or NATS JetStream behind one interface. Delivery is at
 * least once: a message can arrive twice (a redelivery after a crash, a publish retried by the
 * outbox relay), so consumers deduplicate on `id`.
 */
export interface BrokerMessage {
  /** Unique id (the outbox row id, a UUID): consumers deduplicate on it. */
  readonly id: string;
  /** Event name such as 'order.placed': the routing key (RabbitMQ) / subject suffix (NATS). */
  readonly type: string;
  /** JSON-serialisable payload. */
  readonly payload: unknown;
  /** String headers: W3C trace context (traceparent, tracestate) and the like. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface Delivery {
  /** 1 on first delivery, 2 on the first redelivery… */
  readonly attempt: number;
}

export type MessageHandler = (message: BrokerMessage, delivery: Delivery) => Promise<void>;

export interface Broker {
  readonly kind: 'rabbitmq' | 'nats';
  /**
   * Resolves once the broker has durably stored the message (publisher confirm / JetStream ack);
   * rejects (fast, bounded by a timeout) when it cannot, e.g. while disconnected — callers (an
   * outbox relay) retry later.
   */
  publish(message: BrokerMessage): Promise<void>;
  /**
   * Consumes `types` into the durable queue / durable consumer named `consumer` (so messages
   * published while the consumer is stopped wait for it). A message is acked after `handler`
   * resolves. When the handler throws, the message is redelivered (with a delay/backoff, not a hot
   * loop) up to `maxDeliveries`, then dead-lettered (RabbitMQ: dead-letter exchange + queue;
   * JetStream: republish to a dead-letter subject, then term). Invalid JSON goes straight to dead
   * letter.
   */
  subscribe(consumer: string, types: readonly string[], handler: MessageHandler): Promise<void>;
  /** Stops taking new messages, waits for in-flight handlers (graceful shutdown), closes. */
  close(): Promise<void>;
  /** For the readiness probe: resolves when connected. */
  ping(): Promise<void>;
  /**
   * Calls `listener` each time the connection is up again after a loss, once publishing works: the
   * outbox relay then stops backing off and publishes what waited.
   */
  onReconnected(listener: () => void): void;
}

export interface BrokerOptions {
  /** amqp://user:password@host:5672/vhost or nats://user:password@host:4222. */
  readonly url: string;
  /**
   * The project name: exchange `<namespace>.events` / stream `<NAMESPACE>_EVENTS`, subjects
   * `<namespace>.events.<type>`.
   */
  readonly namespace: string;
  /** Shows in the broker's management UI / monitoring endpoints. */
  readonly connectionName: string;
  /** Deliveries of a message whose handler keeps failing before it is dead-lettered, e.g. 5. */
  readonly maxDeliveries: number;
  /** In-flight messages per consumer in this process, e.g. 16. */
  readonly prefetch: number;
  readonly publishTimeoutMs: number;
  readonly logger: Logger;
  /**
   * Wait before redelivering a message whose handler failed; doubles with each further failure,
   * up to a minute. Default 1000 (tests shorten it).
   */
  readonly redeliveryDelayMs?: number;
}
