import type { Logger } from '#platform/observability/logger';

/** What a handler knows of an event besides its payload. */
export interface EventMetadata {
  /**
   * The event's id (its outbox row), the same each time the outbox delivers it again: a handler
   * that records the event keys it on this id to stay idempotent.
   */
  readonly eventId: string;
}

export type EventHandler<Payload> = (payload: Payload, metadata: EventMetadata) => Promise<void>;

/** What a publishing service depends on. */
export interface EventPublisher<Events extends object> {
  /**
   * Runs every handler of `name` and resolves when all have succeeded. When one fails, the others
   * still run, the failure is logged, and the returned promise rejects: the outbox relay then
   * delivers the event again later, so handlers must be idempotent.
   */
  publish<Name extends keyof Events & string>(
    name: Name,
    payload: Events[Name],
    metadata: EventMetadata,
  ): Promise<void>;
}

/** What a subscribing module depends on. */
export interface EventSubscriber<Events extends object> {
  subscribe<Name extends keyof Events & string>(name: Name, handler: EventHandler<Events[Name]>): void;
}

export type EventBus<Events extends object> = EventPublisher<Events> & EventSubscriber<Events>;

/**
 * Typed publish/subscribe between the modules of one process, in memory. Events reach it from the
 * outbox (infrastructure/outbox): commands store them in their own transaction, and the relay
 * publishes them here until every handler has succeeded, so an event survives a handler's failure
 * (Redis down) and a crash of the process. Delivery is therefore at least once.
 */
export function createEventBus<Events extends object>(logger: Logger): EventBus<Events> {
  const handlers: { [Name in keyof Events]?: EventHandler<Events[Name]>[] } = {};

  return {
    subscribe(name, handler) {
      (handlers[name] ??= []).push(handler);
    },
    async publish(name, payload, metadata) {
      const subscribers = handlers[name] ?? [];
      const results = await Promise.allSettled(subscribers.map((handler) => handler(payload, metadata)));
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      for (const failure of failures) logger.error({ err: failure, event: name }, 'event handler failed');
      if (failures.length > 0) {
        throw new AggregateError(failures, `${failures.length} handler(s) of ${name} failed`);
      }
    },
  };
}
