// The contracts between the deployables. A schema here is the one definition of a message: the
// publisher validates what it sends and the consumer what it receives, against the same schema.
export { EVENT_TYPES, isEventType, parseEvent, type DomainEvents, type EventType } from './events/events.js';
export * from './events/event-schemas.js';
export { InvalidEventError } from './events/invalid-event.error.js';
