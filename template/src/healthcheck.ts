// Container HEALTHCHECK without curl: exits 0 when the local server answers /health/live.
import { PROJECT } from './shared/project.js';

const port = process.env.PORT ?? String(PROJECT.defaultPort);

try {
  const response = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(3000) });
  // Exit at once rather than wait for the keep-alive connection to close.
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
