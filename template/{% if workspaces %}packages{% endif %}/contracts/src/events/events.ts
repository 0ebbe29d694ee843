import type { Static } from 'typebox';
import Value from 'typebox/value';
import { EVENT_SCHEMAS } from './event-schemas.js';
import { InvalidEventError } from './invalid-event.error.js';

/** Every event, by name, with its payload type: what its schema in EVENT_SCHEMAS admits. */
export type DomainEvents = { [T in keyof typeof EVENT_SCHEMAS]: Static<(typeof EVENT_SCHEMAS)[T]> };

export type EventType = keyof DomainEvents;

export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_SCHEMAS, type);
}

/**
 * Whether `payload` is what the schema of a `type` event admits. A guard of its own because
 * TypeScript does not tie EVENT_SCHEMAS[T] to DomainEvents[T] for a generic T; the check does.
 */
function isPayloadOf<T extends EventType>(type: T, payload: unknown): payload is DomainEvents[T] {
  return Value.Check(EVENT_SCHEMAS[type], payload);
}

/**
 * The payload of a `type` event, checked against its schema: what a consumer calls on every
 * message before acting on it, and a publisher on what it is about to send.
 */
export function parseEvent<T extends EventType>(type: T, payload: unknown): DomainEvents[T] {
  if (isPayloadOf(type, payload)) return payload;
  const schema = EVENT_SCHEMAS[type];
  const issues = [...Value.Errors(schema, payload)]
    .slice(0, 5)
    .map((error) => `${error.instancePath || '/'} ${error.message}`);
  throw new InvalidEventError(type, issues);
}
