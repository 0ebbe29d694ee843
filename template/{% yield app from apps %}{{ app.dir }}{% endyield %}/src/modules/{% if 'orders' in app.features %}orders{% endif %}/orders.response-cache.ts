import type { FastifyReply, onSendAsyncHookHandler, onSendHookHandler } from 'fastify';
import type { Cache } from '../../infrastructure/cache/cache.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Sends a body that is already JSON text as it is: Fastify passes a string through without
 * serializing it again. The text was serialized against the route's response schema when it was
 * first answered (see the caches below), so the schema still shapes every response.
 */
function sendSerialized(reply: FastifyReply, json: string): FastifyReply {
  return reply.type(JSON_TYPE).send(json);
}

/**
 * The HTTP layer's cache of serialized response bodies (cache-aside) for per-user reads: a hit is
 * sent as stored, with no query, no mapping and no serialization; on a miss the route's handler
 * answers, and the 200 body Fastify serialized is stored on its way out (the `onSend` hook,
 * registered before the conditional-GET one, which may replace the body with a 304's).
 */
export class ResponseCache {
  /** The key each missed reply's body is to be stored under. */
  readonly #misses = new WeakMap<FastifyReply, string>();

  constructor(
    private readonly cache: Cache,
    private readonly ttlSeconds: number,
  ) {}

  /** Answers from the cache when `key` is there (true); otherwise remembers to store the body (false). */
  async sendCached(reply: FastifyReply, key: string): Promise<boolean> {
    const cached = await this.cache.get(key);
    if (cached === undefined) {
      this.#misses.set(reply, key);
      return false;
    }
    sendSerialized(reply, cached);
    return true;
  }

  /** Route-level `onSend` hook: stores the body of a missed 200 response. */
  readonly storeOnSend: onSendAsyncHookHandler = async (_request, reply, payload) => {
    const key = this.#misses.get(reply);
    if (key !== undefined && reply.statusCode === 200 && typeof payload === 'string') {
      // A failing cache is a miss and never throws: the response waits for nothing worse.
      await this.cache.set(key, payload, this.ttlSeconds);
    }
    return payload;
  };

  /** Drops a cached body, so no reader gets the old one after a change. */
  async invalidate(key: string): Promise<void> {
    await this.cache.delete(key);
  }
}

/**
 * The body of a response that is the same until the next release (the catalogue): serialized by
 * Fastify for the first request, then sent as it is.
 */
export class ReleaseConstantBody {
  #json: string | undefined;

  /** Sends the remembered body (true), or false when the handler must answer the first time. */
  send(reply: FastifyReply): boolean {
    if (this.#json === undefined) return false;
    sendSerialized(reply, this.#json);
    return true;
  }

  /** Route-level `onSend` hook: remembers the first 200 body. */
  readonly rememberOnSend: onSendHookHandler = (_request, reply, payload, done) => {
    if (this.#json === undefined && reply.statusCode === 200 && typeof payload === 'string') this.#json = payload;
    done(null, payload);
  };
}
