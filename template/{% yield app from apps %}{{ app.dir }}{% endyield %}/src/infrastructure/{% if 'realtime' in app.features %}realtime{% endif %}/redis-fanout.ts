import type { Logger } from '#platform/observability/logger';
import type { Redis } from '#platform/redis/redis';
import type { Fanout, FanoutHistory, StreamEvent, StreamListener } from './fanout.js';

/**
 * In one round trip and atomically: the event joins the user's Redis Stream (its id is the stream
 * entry's, so ids increase across every process), the stream keeps its latest ARGV[1] entries and
 * lives ARGV[2] seconds past the last one, and the event is published on the user's channel.
 */
const PUBLISH_SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', 'type', ARGV[3], 'data', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', KEYS[2], id .. '\\n' .. ARGV[3] .. '\\n' .. ARGV[4])
return id
`;

/** A Redis Stream entry id, the only Last-Event-ID worth asking Redis about. */
const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/** The streams of one user in this process, and the subscription to the user's channel they share. */
interface UserListeners {
  readonly listeners: Set<StreamListener>;
  readonly subscribed: Promise<unknown>;
}

export interface RedisFanoutOptions extends FanoutHistory {
  readonly keyPrefix: string;
}

/**
 * Across processes through Redis: each user's events are a Redis Stream (kept for Last-Event-ID
 * resumption, whichever process the client reconnects to) and a Pub/Sub channel, to which a process
 * subscribes while it holds at least one stream of that user, so it receives only the events it has
 * clients for. `subscriber` is a connection of its own: one in subscriber mode runs no other command.
 */
export function createRedisFanout(
  publisher: Redis,
  subscriber: Redis,
  options: RedisFanoutOptions,
  logger: Logger,
): Fanout {
  const prefix = `${options.keyPrefix}:realtime:`;
  const listeners = new Map<string, UserListeners>();

  subscriber.on('message', (channel: string, message: string) => {
    const event = parseMessage(message);
    if (event === undefined) return;
    for (const listener of listeners.get(channel.slice(prefix.length))?.listeners ?? []) listener(event);
  });

  return {
    async publish(userId, type, data) {
      const key = prefix + userId;
      const args = [options.historySize, options.historyTtlSeconds, type, JSON.stringify(data)];
      await publisher.eval(PUBLISH_SCRIPT, 2, key, key, ...args);
    },
    async subscribe(userId, listener) {
      let entry = listeners.get(userId);
      if (entry === undefined) {
        entry = { listeners: new Set(), subscribed: subscriber.subscribe(prefix + userId) };
        listeners.set(userId, entry);
      }
      const own = entry;
      own.listeners.add(listener);
      const unsubscribe = () => {
        own.listeners.delete(listener);
        if (own.listeners.size > 0 || listeners.get(userId) !== own) return;
        listeners.delete(userId);
        // Commands on one connection run in order: a later subscribe for this user comes after it.
        subscriber.unsubscribe(prefix + userId).catch((error: unknown) => {
          logger.warn({ err: error }, 'could not unsubscribe from a real-time channel');
        });
      };
      try {
        await own.subscribed;
      } catch (error) {
        unsubscribe();
        throw error;
      }
      return unsubscribe;
    },
    async since(userId, lastEventId) {
      if (!STREAM_ID.test(lastEventId)) return [];
      const entries = await publisher.xrange(prefix + userId, `(${lastEventId}`, '+', 'COUNT', options.historySize);
      // Each entry's fields are ['type', type, 'data', data], as PUBLISH_SCRIPT adds them.
      return entries.map(([id, [, type = '', , data = '']]) => ({ id, type, data }));
    },
  };
}

/** `id\ntype\ndata`, as PUBLISH_SCRIPT writes it (JSON text holds no raw newline). */
function parseMessage(message: string): StreamEvent | undefined {
  const [id, type, data] = message.split('\n', 3);
  return id === undefined || type === undefined || data === undefined ? undefined : { id, type, data };
}
