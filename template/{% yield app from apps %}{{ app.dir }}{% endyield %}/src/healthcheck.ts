// Container HEALTHCHECK without curl: `node dist/healthcheck.js [NAME]` exits 0 when the main process on
// $PORT, or the probe server of the process NAME (shared/probe-servers.ts), answers /health/live.
import { isLive, probedPort } from '#platform/health/liveness-probe';
import { PROBE_SERVERS } from './shared/probe-servers.js';
import { PROJECT } from './shared/project.js';

const port = probedPort(process.argv[2], process.env, PROJECT.defaultPort, PROBE_SERVERS);

// Exit at once rather than wait for the keep-alive connection to close.
process.exit((await isLive(port)) ? 0 : 1);
