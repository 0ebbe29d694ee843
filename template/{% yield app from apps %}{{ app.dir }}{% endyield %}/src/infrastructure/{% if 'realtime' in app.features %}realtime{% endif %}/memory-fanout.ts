import { LRUCache } from 'lru-cache';
import type { Fanout, FanoutHistory, StreamEvent, StreamListener } from './fanout.js';

/** Users whose history one process keeps at most (the least recently active are forgotten first). */
const USERS_WITH_HISTORY_MAX = 10_000;

/**
 * Without Redis: events reach the streams of this process only, so run one process (or set
 * REDIS_URL) for every client to receive every event. Ids are a per-process sequence.
 */
export function createMemoryFanout(history: FanoutHistory): Fanout {
  const listeners = new Map<string, Set<StreamListener>>();
  const histories = new LRUCache<string, StreamEvent[]>({
    max: USERS_WITH_HISTORY_MAX,
    ttl: history.historyTtlSeconds * 1000,
  });
  let sequence = 0;

  return {
    publish(userId, type, data) {
      sequence += 1;
      const event: StreamEvent = { id: String(sequence), type, data: JSON.stringify(data) };
      const kept = [...(histories.get(userId) ?? []), event].slice(-history.historySize);
      histories.set(userId, kept);
      for (const listener of listeners.get(userId) ?? []) listener(event);
      return Promise.resolve();
    },
    subscribe(userId, listener) {
      let own = listeners.get(userId);
      if (own === undefined) listeners.set(userId, (own = new Set()));
      own.add(listener);
      const userListeners = own;
      return Promise.resolve(() => {
        userListeners.delete(listener);
        if (userListeners.size === 0) listeners.delete(userId);
      });
    },
    since(userId, lastEventId) {
      if (!/^\d{1,15}$/.test(lastEventId)) return Promise.resolve([]);
      const after = Number(lastEventId);
      return Promise.resolve((histories.get(userId) ?? []).filter((event) => Number(event.id) > after));
    },
  };
}
