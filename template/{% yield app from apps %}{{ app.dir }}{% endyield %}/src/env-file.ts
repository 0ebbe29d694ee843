// Preloaded first by the development scripts (`npm run dev`, `worker`, `projector`, `migrate`): reads
// .env into the environment when there is one; variables already set keep their value. Node's
// --env-file-if-exists=.env does the same but prints ".env not found" when there is none, once for
// tsx's own process and once for the service it starts. The start scripts and the images never read .env.
import { existsSync } from 'node:fs';

if (existsSync('.env')) process.loadEnvFile('.env');

export {};
