import { Type, type Static } from 'typebox';

/**
 * Where this process's HTTP server listens: the API, or its health probes and metrics only.
 * `defaultPort`: the process's own port in development, where every process of the system runs on one machine.
 */
export function listenAddressEnv(defaultPort: number) {
  return Type.Object({
    HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
    // 0 picks any free port (tests).
    PORT: Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort }),
  });
}

export type ListenAddressEnv = Static<ReturnType<typeof listenAddressEnv>>;

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export function readListenAddress(env: ListenAddressEnv): ListenAddress {
  return { host: env.HOST, port: env.PORT };
}
