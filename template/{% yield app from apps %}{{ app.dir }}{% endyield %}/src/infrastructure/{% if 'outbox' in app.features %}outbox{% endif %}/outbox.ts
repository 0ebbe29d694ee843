import { randomUUID } from 'node:crypto';
import { injectTraceContext } from '#platform/telemetry/trace-headers';
import { parseEvent, type DomainEvents, type EventType } from '../../shared/events.js';
import type { Queryable } from '#platform/database/database';

/** An event as a command raises it: its type and its payload, typed by the contracts. */
export type OutboxEvent = { [T in EventType]: { readonly type: T; readonly payload: DomainEvents[T] } }[EventType];

export interface OutboxWriter {
  /**
   * Stores the events in the caller's transaction: they are published if and only if it commits.
   * Each payload is checked against its contract first, so an invalid event fails the command
   * that raised it instead of every consumer downstream.
   */
  append(tx: Queryable, events: readonly OutboxEvent[]): Promise<void>;
  /** To call once the transaction committed: the relay publishes now rather than at its next poll. */
  committed(): void;
}

export interface OutboxWriterOptions {
  /** Called by `committed()`; the relay's wake-up when this process runs one. */
  readonly committed?: () => void;
}

export function createOutboxWriter(options: OutboxWriterOptions = {}): OutboxWriter {
  return {
    async append(tx, events) {
      // The trace context of the request that raised them travels with the events.
      const headers = JSON.stringify(injectTraceContext());
      for (const event of events) {
        const payload = parseEvent(event.type, event.payload);
        await tx.query('INSERT INTO outbox (id, type, payload, headers) VALUES ($1, $2, $3, $4)', [
          randomUUID(),
          event.type,
          JSON.stringify(payload),
          headers,
        ]);
      }
    },
    committed() {
      options.committed?.();
    },
  };
}
