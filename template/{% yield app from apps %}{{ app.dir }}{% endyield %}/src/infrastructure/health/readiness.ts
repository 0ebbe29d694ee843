/** A dependency the service cannot serve without: the database, Redis, the broker. */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects otherwise. */
  check(): Promise<void>;
}

export interface ReadinessReport {
  readonly status: 'ok' | 'unavailable';
  readonly checks: Readonly<Record<string, 'up' | 'down'>>;
}

const CHECK_TIMEOUT_MS = 3000;

/** Redis answers PING. Typed by shape, so this module never loads the Redis client. */
export function redisCheck(redis: { ping(): Promise<unknown> }): ReadinessCheck {
  return {
    name: 'redis',
    check: async () => {
      await redis.ping();
    },
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
        await withDeadline(readiness.check(), CHECK_TIMEOUT_MS);
        return [readiness.name, 'up'] as const;
      } catch (error) {
        onFailure(readiness.name, error);
        return [readiness.name, 'down'] as const;
      }
    }),
  );
  const ready = results.every(([, state]) => state === 'up');
  return { status: ready ? 'ok' : 'unavailable', checks: Object.fromEntries(results) };
}

async function withDeadline(check: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([check, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
