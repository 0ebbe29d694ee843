import pTimeout from 'p-timeout';
import { isEventType, parseEvent, type DomainEvents } from '../../shared/events.js';
import type { EventDestination } from '../outbox/outbox-relay.js';
import type { EventPublisher } from './event-bus.js';

/**
 * How long the handlers of one event may take (a job queued in Redis, a query): past it the event
 * counts as not delivered, and the relay lets its batch go instead of holding it while Redis hangs.
 */
const DELIVERY_TIMEOUT_MS = 5000;

/**
 * The handlers the modules subscribed on the event bus, as an outbox relay's destination: in the
 * monolith the relay's only one; beside a broker, the second (brokerThenSubscribers). An event is
 * taken once every handler has succeeded within the deadline; otherwise it stays in the outbox and is
 * delivered again later (handlers are idempotent).
 */
export function inProcessDestination(events: EventPublisher<DomainEvents>): EventDestination {
  return {
    async publish(event) {
      if (!isEventType(event.type)) throw new Error(`no event type ${event.type} in this version`);
      const handled = events.publish(event.type, parseEvent(event.type, event.payload), { eventId: event.id });
      await pTimeout(handled, {
        milliseconds: DELIVERY_TIMEOUT_MS,
        message: `the handlers of ${event.type} did not finish within ${DELIVERY_TIMEOUT_MS} ms`,
      });
    },
  };
}
