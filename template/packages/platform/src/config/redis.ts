import { Type, type Static } from 'typebox';

/** `defaultKeyPrefix`: the deployable's name, which starts its keys unless REDIS_KEY_PREFIX says otherwise. */
export function redisEnv(defaultKeyPrefix: string) {
  return Type.Object({
    // Unset: what would be shared through Redis stays in this process (see the deployable's Config).
    REDIS_URL: Type.Optional(
      Type.String({ pattern: '^rediss?://', expected: 'a redis:// or rediss:// connection URL' }),
    ),
    // Every key this service writes starts with it, so services (or test runs) can share one Redis.
    REDIS_KEY_PREFIX: Type.String({
      pattern: '^[A-Za-z0-9_.-]{1,64}$',
      default: defaultKeyPrefix,
      expected: 'up to 64 letters, digits, dots, dashes or underscores',
    }),
    // How long a command waits for Redis's reply before it fails, so a Redis that stops answering slows a
    // request by this much at most; a connection silent for twice as long is replaced. The job worker's
    // commands wait for Redis instead.
    REDIS_COMMAND_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 60000, default: 500 }),
  });
}

export type RedisEnv = Static<ReturnType<typeof redisEnv>>;

export interface RedisConfig {
  /** Unset: what would be shared through Redis stays in this process. */
  readonly url: string | undefined;
  /** Prepended to every key this service writes. */
  readonly keyPrefix: string;
  /** How long a command waits for a reply before it fails (not the job worker's, which waits). */
  readonly commandTimeoutMs: number;
}

export function readRedis(env: RedisEnv): RedisConfig {
  return { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS };
}
