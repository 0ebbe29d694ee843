import { Counter, type Registry } from 'prom-client';
import type { Logger } from '#platform/observability/logger';
import { isEventType, parseEvent, type DomainEvents, type EventType } from '../../shared/events.js';
import type { MessageHandler } from '../broker/broker.js';
import type { Queryable } from '../database/database.js';
import type { IdempotentConsumer } from './idempotent-consumer.js';

/**
 * What a module does with each event type it consumes. `tx` is the inbox's transaction: what a
 * handler writes through it commits together with the record that the message was handled.
 */
export type EventHandlers = {
  readonly [T in EventType]?: (event: DomainEvents[T], tx: Queryable) => Promise<void>;
};

export interface EventDispatcherOptions {
  readonly handlers: EventHandlers;
  readonly inbox: IdempotentConsumer;
  readonly logger: Logger;
  readonly registry: Registry;
}

export type DispatchOutcome = 'handled' | 'duplicate' | 'ignored';

/**
 * The broker's message handler: checks each message against its contract and applies it once
 * (the inbox). The broker runs it inside a span continuing the publisher's trace. A handler that
 * throws leaves the message unacknowledged: the broker redelivers it, and dead-letters it after
 * too many attempts (a payload that breaks its contract ends there too).
 */
export function createEventDispatcher(options: EventDispatcherOptions): MessageHandler {
  const { handlers, inbox, logger } = options;
  const consumed = new Counter({
    name: 'events_consumed_total',
    help: 'Events taken from the broker, by type and outcome (handled, duplicate, ignored, failed)',
    labelNames: ['type', 'outcome'],
    registers: [options.registry],
  });

  return async (message, delivery) => {
    const context = { messageId: message.id, type: message.type, attempt: delivery.attempt };
    try {
      const outcome = await dispatch(handlers, inbox, message.type, message.id, message.payload);
      consumed.inc({ type: message.type, outcome });
      logger.info({ ...context, outcome }, 'event consumed');
    } catch (error) {
      consumed.inc({ type: message.type, outcome: 'failed' });
      logger.error({ ...context, err: error }, 'event failed');
      throw error;
    }
  };
}

async function dispatch(
  handlers: EventHandlers,
  inbox: IdempotentConsumer,
  type: string,
  id: string,
  payload: unknown,
): Promise<DispatchOutcome> {
  // An event this service has no use for (or does not know yet): acknowledged, nothing to do.
  if (!isEventType(type)) return 'ignored';
  const handler = handlerOf(handlers, type);
  if (handler === undefined) return 'ignored';
  const event = parseEvent(type, payload);
  return inbox.handleOnce(id, (tx) => handler(event, tx));
}

/** The handler of `type`, typed for that type's payload. */
function handlerOf<T extends EventType>(
  handlers: EventHandlers,
  type: T,
): ((event: DomainEvents[T], tx: Queryable) => Promise<void>) | undefined {
  return handlers[type];
}
