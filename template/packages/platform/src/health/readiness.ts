import pTimeout from 'p-timeout';

/** A dependency the service uses: the database, Redis, the broker. */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects otherwise. */
  check(): Promise<void>;
  /**
   * true: the service still serves without it, degraded (the API's Redis: the cache reads the
   * database, rate limits let requests through). Its outage shows in the report and in metrics but
   * leaves the instance ready: every replica shares the dependency, and a load balancer would pull
   * them all at once for an outage they can serve through.
   */
  readonly optional?: boolean;
}

export interface ReadinessReport {
  /** ok: everything up; degraded: an optional dependency is down; unavailable: a required one is. */
  readonly status: 'ok' | 'degraded' | 'unavailable';
  readonly checks: Readonly<Record<string, 'up' | 'down'>>;
}

const CHECK_TIMEOUT_MS = 3000;

/**
 * Redis answers PING. Typed by shape, so this module never loads the Redis client. `optional` when
 * the service serves without Redis (see ReadinessCheck).
 */
export function redisCheck(redis: { ping(): Promise<unknown> }, options: { optional?: boolean } = {}): ReadinessCheck {
  return {
    name: 'redis',
    check: async () => {
      await redis.ping();
    },
    optional: options.optional ?? false,
  };
}

/**
 * Runs every check at once, each bounded by a deadline: a dependency that hangs counts as down
 * instead of stalling the probe. `onFailure` hears why a check failed (the report only says down).
 */
export async function checkReadiness(
  checks: readonly ReadinessCheck[],
  onFailure: (name: string, error: unknown) => void,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (readiness) => {
      try {
        await pTimeout(readiness.check(), {
          milliseconds: CHECK_TIMEOUT_MS,
          message: `no answer within ${CHECK_TIMEOUT_MS} ms`,
        });
        return [readiness, 'up'] as const;
      } catch (error) {
        onFailure(readiness.name, error);
        return [readiness, 'down'] as const;
      }
    }),
  );
  const down = results.filter(([, state]) => state === 'down').map(([readiness]) => readiness);
  const status =
    down.length === 0 ? 'ok' : down.every((readiness) => readiness.optional === true) ? 'degraded' : 'unavailable';
  return { status, checks: Object.fromEntries(results.map(([readiness, state]) => [readiness.name, state])) };
}
