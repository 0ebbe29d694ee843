import { Redis } from 'ioredis';
import type { Logger } from '#platform/observability/logger';

/**
 * What Redis reports of changes to the cache's keys. `live` is true only while the report is
 * complete: the connection is up, tracking is on, and Redis answered a ping recently. While it is
 * false, changes may be missed, so nothing read may be kept.
 */
export interface InvalidationFeed {
  readonly live: boolean;
  /** `keys` are cache keys (without the prefix); undefined means any key may have changed. */
  onInvalidate(listener: (keys: readonly string[] | undefined) => void): void;
  close(): Promise<void>;
}

interface FeedOptions {
  readonly url: string;
  /** The Redis key prefix of the cache: only its keys are reported. */
  readonly prefix: string;
  readonly connectionName: string;
  readonly commandTimeoutMs: number;
}

/**
 * A silent connection would look like one with nothing to report, so a ping goes out this often:
 * a partition between this process and Redis makes the feed not live within about this delay plus
 * the command timeout.
 */
const PING_INTERVAL_MS = 500;

const INVALIDATION_CHANNEL = '__redis__:invalidate';

/**
 * Follows Redis's server-assisted client-side caching (`CLIENT TRACKING … BCAST PREFIX`) on a
 * connection of its own: Redis sends it the name of every key under the prefix that is written,
 * deleted or expires, whichever process made the change. The connection speaks RESP2, where those
 * reports arrive as messages on `__redis__:invalidate`, which ioredis delivers. Tracking lives as long
 * as the connection: after a reconnection it is turned on again and everything counts as changed.
 * A Redis that refuses tracking (before 6.0, or a proxy) leaves the feed never live: the cache then
 * reads Redis every time, as without it.
 */
export async function followInvalidations(options: FeedOptions, logger: Logger): Promise<InvalidationFeed> {
  const listeners: ((keys: readonly string[] | undefined) => void)[] = [];
  const everythingChanged = () => {
    for (const listener of listeners) listener(undefined);
  };
  let tracking = false;
  let lastAnswer = 0;

  const connection = new Redis(options.url, {
    lazyConnect: true,
    protocol: 2,
    connectionName: options.connectionName,
    connectTimeout: 5000,
    commandTimeout: options.commandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // Subscribing again is part of turning tracking on (below), in that order.
    autoResubscribe: false,
  });
  connection.on('error', (error: Error) => {
    logger.warn({ err: error, connection: options.connectionName }, 'redis connection error');
  });
  connection.on('close', () => {
    if (tracking) everythingChanged();
    tracking = false;
  });
  connection.on('ready', () => {
    void startTracking();
  });
  connection.on('messageBuffer', (channel: Buffer, keys: Buffer[] | null) => {
    if (channel.toString() !== INVALIDATION_CHANNEL) return;
    // null: Redis dropped its tracking table (FLUSHALL, FLUSHDB, or memory pressure).
    if (keys === null) {
      everythingChanged();
      return;
    }
    const changed = keys.map((key) => key.toString().slice(options.prefix.length));
    for (const listener of listeners) listener(changed);
  });

  async function startTracking(): Promise<void> {
    try {
      const id = String(await connection.client('ID'));
      await connection.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', id, 'BCAST', 'PREFIX', options.prefix);
      await connection.subscribe(INVALIDATION_CHANNEL);
      lastAnswer = Date.now();
      tracking = true;
      everythingChanged(); // what was read while tracking was off may have changed since
    } catch (error) {
      logger.warn({ err: error }, 'redis client-side caching unavailable: every cache read goes to Redis');
    }
  }

  const pinger = setInterval(() => {
    if (!tracking) return;
    connection.ping().then(
      () => {
        lastAnswer = Date.now();
      },
      () => {
        // No answer: changes may be going unreported. Drop the connection; the reconnection turns
        // tracking on again.
        connection.disconnect(true);
      },
    );
  }, PING_INTERVAL_MS);
  pinger.unref();

  await connection.connect();

  return {
    get live() {
      return tracking && Date.now() - lastAnswer < PING_INTERVAL_MS + options.commandTimeoutMs;
    },
    onInvalidate(listener) {
      listeners.push(listener);
    },
    async close() {
      clearInterval(pinger);
      tracking = false;
      try {
        await connection.quit();
      } catch {
        connection.disconnect();
      }
    },
  };
}
