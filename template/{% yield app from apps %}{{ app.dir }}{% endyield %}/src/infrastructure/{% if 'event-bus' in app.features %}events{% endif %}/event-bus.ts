import type { Logger } from '../observability/logger.js';

export type EventHandler<Payload> = (payload: Payload) => Promise<void>;

/** What a publishing service depends on. */
export interface EventPublisher<Events extends object> {
  /**
   * Runs every handler of `name` and resolves when all have settled. A failing handler is logged
   * and does not fail the publisher: its own work is already committed.
   */
  publish<Name extends keyof Events & string>(name: Name, payload: Events[Name]): Promise<void>;
}

/** What a subscribing module depends on. */
export interface EventSubscriber<Events extends object> {
  subscribe<Name extends keyof Events & string>(name: Name, handler: EventHandler<Events[Name]>): void;
}

export type EventBus<Events extends object> = EventPublisher<Events> & EventSubscriber<Events>;

/**
 * Typed publish/subscribe between the modules of one process. Delivery is in memory and at most
 * once: an event published just before the process dies is lost, and so is one whose handler
 * fails. The extracted preset replaces this bus with a broker fed by a transactional outbox.
 */
export function createEventBus<Events extends object>(logger: Logger): EventBus<Events> {
  const handlers: { [Name in keyof Events]?: EventHandler<Events[Name]>[] } = {};

  return {
    subscribe(name, handler) {
      (handlers[name] ??= []).push(handler);
    },
    async publish(name, payload) {
      const subscribers = handlers[name] ?? [];
      const results = await Promise.allSettled(subscribers.map((handler) => handler(payload)));
      for (const result of results) {
        if (result.status === 'rejected') logger.error({ err: result.reason, event: name }, 'event handler failed');
      }
    },
  };
}
