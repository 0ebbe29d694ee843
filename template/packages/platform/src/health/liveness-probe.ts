/**
 * What a container HEALTHCHECK runs, without curl (each deployable's src/healthcheck.ts): whether the
 * process listening on `port` of this machine answers /health/live within 3 s.
 */
export async function isLive(port: string | number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(3000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** A process beside the main one with a probe server of its own: the variable naming its port, and its default. */
export interface ProbeServer {
  readonly portVariable: string;
  readonly defaultPort: number;
}

/**
 * The port `node dist/healthcheck.js [NAME]` checks: the probe server of the process NAME among `others`
 * (the worker's, the projector's), or the main process's on $PORT when NAME is absent or not one of them.
 */
export function probedPort(
  name: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  mainDefaultPort: number,
  others: Readonly<Record<string, ProbeServer>>,
): string {
  const other = name === undefined || !Object.hasOwn(others, name) ? undefined : others[name];
  if (other === undefined) return env.PORT ?? String(mainDefaultPort);
  return env[other.portVariable] ?? String(other.defaultPort);
}
