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
