// Preloaded before the application: `node --import ./dist/telemetry.js dist/server.js` (the start
// scripts, the Dockerfile and compose.yaml do it), so OpenTelemetry patches the clients first.
import { preloadTelemetry } from '#platform/telemetry/preload';
import { PROJECT } from './shared/project.js';

await preloadTelemetry({ serviceName: PROJECT.name, tracedClients: PROJECT.tracedClients }, process.env);
