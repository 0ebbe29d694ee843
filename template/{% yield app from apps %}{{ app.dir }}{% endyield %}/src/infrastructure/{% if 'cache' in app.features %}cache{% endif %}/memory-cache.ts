import { LRUCache } from 'lru-cache';
import type { Cache } from './cache.js';

/**
 * Per process: each API process (or cluster worker) has its own copy, so an invalidation only
 * reaches the process that made the write. Use Redis as soon as more than one process serves.
 */
export function createMemoryCache(options: { maxEntries: number }): Cache {
  const entries = new LRUCache<string, string>({ max: options.maxEntries });
  return {
    get: (key) => Promise.resolve(entries.get(key)),
    set(key, value, ttlSeconds) {
      entries.set(key, value, { ttl: ttlSeconds * 1000 });
      return Promise.resolve();
    },
    delete(key) {
      entries.delete(key);
      return Promise.resolve();
    },
  };
}
