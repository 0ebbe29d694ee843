import { Type, type Static } from 'typebox';
import { PROJECT } from '../../shared/project.js';

/** Where this process's HTTP server listens: the API, or its health probes and metrics only. */
export const ListenAddressEnv = Type.Object({
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  // 0 picks any free port (tests).
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: PROJECT.defaultPort }),
});

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export function readListenAddress(env: Static<typeof ListenAddressEnv>): ListenAddress {
  return { host: env.HOST, port: env.PORT };
}
