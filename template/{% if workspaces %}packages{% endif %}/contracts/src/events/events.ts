import Value from 'typebox/value';
import { InvalidEventError } from './invalid-event.error.js';
import { OrderCancelledSchema, type OrderCancelled } from './order-cancelled.js';
import { OrderPlacedSchema, type OrderPlaced } from './order-placed.js';

/** Every event, by name, with its payload type. A new event is one entry here and one schema. */
export interface DomainEvents {
  'order.placed': OrderPlaced;
  'order.cancelled': OrderCancelled;
}

export type EventType = keyof DomainEvents;

export const EVENT_SCHEMAS = {
  'order.placed': OrderPlacedSchema,
  'order.cancelled': OrderCancelledSchema,
} as const satisfies Record<EventType, unknown>;

export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_SCHEMAS, type);
}

/**
 * The payload of a `type` event, checked against its schema: what a consumer calls on every
 * message before acting on it, and a publisher on what it is about to send.
 */
export function parseEvent<T extends EventType>(type: T, payload: unknown): DomainEvents[T] {
  const schema = EVENT_SCHEMAS[type];
  // TypeScript does not tie EVENT_SCHEMAS[T] to DomainEvents[T] for a generic T; the check does.
  if (Value.Check(schema, payload)) return payload as DomainEvents[T];
  const issues = [...Value.Errors(schema, payload)]
    .slice(0, 5)
    .map((error) => `${error.instancePath || '/'} ${error.message}`);
  throw new InvalidEventError(type, issues);
}
