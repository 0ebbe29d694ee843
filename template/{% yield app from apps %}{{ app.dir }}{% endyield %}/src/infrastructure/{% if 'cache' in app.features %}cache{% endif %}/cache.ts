/**
 * A string cache with a time to live per entry: Redis when REDIS_URL is set, an in-memory LRU
 * otherwise. Values are serialized by the caller, so a hit is returned without any parsing.
 * A cache that fails is a cache miss: implementations log the error and never throw.
 */
export interface Cache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}
