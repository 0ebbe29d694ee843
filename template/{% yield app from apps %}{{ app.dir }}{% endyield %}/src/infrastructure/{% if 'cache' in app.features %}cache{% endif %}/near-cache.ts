import { LRUCache } from 'lru-cache';
import type { Cache } from './cache.js';
import type { InvalidationFeed } from './redis-invalidations.js';

interface Read {
  readonly value: Promise<string | undefined>;
  /** Set when the key may have changed after the read was sent: its answer is then not kept. */
  changed: boolean;
}

/**
 * Keeps a copy of the entries this process reads from `shared` (Redis), and answers from it while
 * `invalidations` reports every change: a cached read then costs no round trip to Redis. A copy is
 * dropped as soon as Redis reports its key changed, whichever process changed it, so it is never
 * served once the report has arrived. A write of this process drops its own copy at once (it reads
 * its own writes). A read whose key changes while it is in flight is not kept, since its answer may
 * predate the change. While the feed is not live (Redis unreachable, a reconnection) no copy is
 * served or kept and every read goes to `shared`.
 */
export function withNearCache(
  shared: Cache,
  invalidations: InvalidationFeed,
  options: { maxEntries: number; ttlSeconds: number },
): Cache {
  const copies = new LRUCache<string, string>({ max: options.maxEntries, ttl: options.ttlSeconds * 1000 });
  // One read of a key at a time: concurrent readers share it.
  const reads = new Map<string, Read>();

  const forget = (key: string) => {
    copies.delete(key);
    const read = reads.get(key);
    if (read !== undefined) {
      read.changed = true;
      reads.delete(key); // later readers send a read of their own
    }
  };

  invalidations.onInvalidate((keys) => {
    if (keys === undefined) {
      copies.clear();
      for (const read of reads.values()) read.changed = true;
      reads.clear();
      return;
    }
    for (const key of keys) forget(key);
  });

  return {
    get(key) {
      const live = invalidations.live;
      if (live) {
        const copy = copies.get(key);
        if (copy !== undefined) return Promise.resolve(copy);
      } else if (copies.size > 0) {
        copies.clear(); // reports may be lost while it is not live: no copy outlives that
      }
      const pending = reads.get(key);
      if (pending !== undefined) return pending.value;
      const read: Read = {
        changed: !live,
        value: shared.get(key).then((value) => {
          if (reads.get(key) === read) reads.delete(key);
          if (value !== undefined && !read.changed && invalidations.live) copies.set(key, value);
          return value;
        }),
      };
      reads.set(key, read);
      return read.value;
    },
    set(key, value, ttlSeconds) {
      forget(key);
      return shared.set(key, value, ttlSeconds);
    },
    delete(key) {
      forget(key);
      return shared.delete(key);
    },
  };
}
