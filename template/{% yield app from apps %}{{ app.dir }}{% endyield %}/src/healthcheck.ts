// Container HEALTHCHECK without curl: exits 0 when the local process answers /health/live.
// `node dist/healthcheck.js` checks the API on $PORT; `node dist/healthcheck.js worker` checks the
// worker's probe server on $WORKER_PORT.
import { PROJECT } from './shared/project.js';

const port =
  process.argv[2] === 'worker'
    ? (process.env.WORKER_PORT ?? String(PROJECT.defaultWorkerPort))
    : (process.env.PORT ?? String(PROJECT.defaultPort));

try {
  const response = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(3000) });
  // Exit at once rather than wait for the keep-alive connection to close.
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
