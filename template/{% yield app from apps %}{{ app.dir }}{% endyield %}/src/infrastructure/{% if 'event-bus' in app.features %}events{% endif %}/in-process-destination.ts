import { isEventType, parseEvent, type DomainEvents } from '../../shared/events.js';
import type { EventDestination } from '../outbox/outbox-relay.js';
import type { EventPublisher } from './event-bus.js';

/**
 * The outbox relay's destination in the monolith: the handlers the modules subscribed on the event
 * bus. An event is taken once every handler has succeeded; otherwise it stays in the outbox and
 * is delivered again later.
 */
export function inProcessDestination(events: EventPublisher<DomainEvents>): EventDestination {
  return {
    async publish(event) {
      if (!isEventType(event.type)) throw new Error(`no event type ${event.type} in this version`);
      await events.publish(event.type, parseEvent(event.type, event.payload));
    },
  };
}
