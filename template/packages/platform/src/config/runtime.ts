import { Type, type Static } from 'typebox';

/** What every process reads: the environment it runs in, how much it logs, how long it may take to stop. */
export const RuntimeEnv = Type.Object({
  NODE_ENV: Type.Enum(['development', 'test', 'production'], { default: 'development' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 10000 }),
});

export type NodeEnv = Static<typeof RuntimeEnv>['NODE_ENV'];
export type LogLevel = Static<typeof RuntimeEnv>['LOG_LEVEL'];

export interface RuntimeSection {
  readonly env: NodeEnv;
  readonly log: { readonly level: LogLevel };
  readonly shutdownTimeoutMs: number;
}

export function readRuntime(env: Static<typeof RuntimeEnv>): RuntimeSection {
  return { env: env.NODE_ENV, log: { level: env.LOG_LEVEL }, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
}
