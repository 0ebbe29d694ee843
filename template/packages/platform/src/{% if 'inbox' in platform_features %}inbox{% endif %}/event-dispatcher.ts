import { Counter, type Registry } from 'prom-client';
import type { MessageHandler } from '../broker/broker.js';
import type { Logger } from '../observability/logger.js';
import type { IdempotentConsumer, InboxStatement } from './idempotent-consumer.js';

/**
 * The events a deployable knows (`Events` maps each type to its payload), from its contracts: which
 * types exist, and each payload checked against its type's contract.
 */
export interface EventContracts<Events> {
  isEventType(type: string): type is keyof Events & string;
  /** The payload of `type`, checked; throws when it breaks the contract. */
  parseEvent<T extends keyof Events & string>(type: T, payload: unknown): Events[T];
}

/**
 * What a module does with each event type it consumes. `tx` is the inbox's transaction: what a
 * handler writes through it commits together with the record that the message was handled.
 */
export type EventHandlers<Events, Tx> = {
  readonly [T in keyof Events]?: (event: Events[T], tx: Tx) => Promise<void>;
};

export interface EventDispatcherOptions<Events, Tx extends InboxStatement> {
  readonly contracts: EventContracts<Events>;
  // Checked against the events named, never taken as their list.
  readonly handlers: NoInfer<EventHandlers<Events, Tx>>;
  readonly inbox: IdempotentConsumer<Tx>;
  readonly logger: Logger;
  readonly registry: Registry;
}

export type DispatchOutcome = 'handled' | 'duplicate' | 'ignored';

/**
 * The broker's message handler: checks each message against its contract and applies it once
 * (the inbox). The broker runs it inside a span continuing the publisher's trace. A handler that
 * throws leaves the message unacknowledged: the broker redelivers it, and dead-letters it after
 * too many attempts (a payload that breaks its contract ends there too). The caller names its events
 * and its transaction type, which TypeScript cannot read off the contracts' generic functions:
 * `createEventDispatcher<DomainEvents, Queryable>({ … })`.
 */
export function createEventDispatcher<Events, Tx extends InboxStatement>(
  options: EventDispatcherOptions<Events, Tx>,
): MessageHandler {
  const { contracts, handlers, inbox, logger } = options;
  const consumed = new Counter({
    name: 'events_consumed_total',
    help: 'Events taken from the broker, by type and outcome (handled, duplicate, ignored, failed)',
    labelNames: ['type', 'outcome'],
    registers: [options.registry],
  });

  return async (message, delivery) => {
    const context = { messageId: message.id, type: message.type, attempt: delivery.attempt };
    try {
      const outcome = await dispatch(contracts, handlers, inbox, message.type, message.id, message.payload);
      consumed.inc({ type: message.type, outcome });
      logger.info({ ...context, outcome }, 'event consumed');
    } catch (error) {
      consumed.inc({ type: message.type, outcome: 'failed' });
      logger.error({ ...context, err: error }, 'event failed');
      throw error;
    }
  };
}

async function dispatch<Events, Tx extends InboxStatement>(
  contracts: EventContracts<Events>,
  handlers: EventHandlers<Events, Tx>,
  inbox: IdempotentConsumer<Tx>,
  type: string,
  id: string,
  payload: unknown,
): Promise<DispatchOutcome> {
  // An event this service has no use for (or does not know yet): acknowledged, nothing to do.
  if (!contracts.isEventType(type)) return 'ignored';
  const handler = handlers[type];
  if (handler === undefined) return 'ignored';
  const event = contracts.parseEvent(type, payload);
  return inbox.handleOnce(id, (tx) => handler(event, tx));
}
