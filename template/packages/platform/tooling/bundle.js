// @ts-check
// `npm run build` of every deployable: after `npm run typecheck` (esbuild only strips the types), each
// process's entry point is bundled with esbuild into dist/. Loading a few bundled files instead of some
// 600 modules, each resolved, read and compiled, is most of what makes a service start fast.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cwd } from 'node:process';
import { build } from 'esbuild';
import { PROCESSES } from './processes.js';

// Packages left in node_modules and loaded by node at run time, each for a reason (a package the
// deployable does not use changes nothing).
export const EXTERNAL = [
  // Patched by OpenTelemetry's instrumentations as node loads them (telemetry/sdk), which a copy
  // inside the bundle would escape; and the loader hooks that do the patching.
  'pg',
  'ioredis',
  'import-in-the-middle',
  // They load files of their own package at run time (a native addon, WebAssembly, worker scripts,
  // static assets), which a bundle would not carry.
  'bcrypt',
  '@electric-sql/pglite',
  'piscina',
  '@fastify/swagger-ui',
  'bullmq',
  'bullmq-otel',
];

/**
 * Bundles the deployable in `root` (its folder: src/ in, dist/ out).
 * @param {string} [root] the deployable's folder; the current directory by default (npm runs scripts there)
 */
export async function bundleDeployable(root = cwd()) {
  const source = join(root, 'src');
  // Every process the deployable has: src/<name>.ts becomes dist/<name>.js. The telemetry preload is
  // built in the same pass as the service, so the modules they share (telemetry/shutdown of this
  // package) land in one shared chunk: one module instance per process, as from source.
  const processes = PROCESSES.filter((name) => existsSync(join(source, `${name}.ts`)));
  // CPU tasks run in worker threads, which load them by file name: src/**/x.task.ts becomes
  // dist/x.task.js, where `new URL('./x.task.js', import.meta.url)` finds it, since every output file,
  // shared chunks included, is directly in dist/.
  const cpuTasks = readdirSync(source, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.task.ts'),
  );

  await build({
    absWorkingDir: root,
    entryPoints: [
      ...processes.map((name) => ({ in: `src/${name}.ts`, out: name })),
      ...cpuTasks.map((file) => ({ in: `src/${file}`, out: basename(file, '.ts') })),
    ],
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    // Code used by several entry points goes to chunks they import, never a copy in each; a dynamic
    // import() stays lazy, so what loads only when configured (the OpenTelemetry SDK, BullMQ and
    // ioredis) is not loaded otherwise.
    splitting: true,
    external: EXTERNAL,
    // The bundled CommonJS packages call require(), which an ES module does not have.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    // Stack traces map back to src/ when node runs with --enable-source-maps (NODE_OPTIONS), for
    // debugging: it is not on by default because it adds about 90 ms of CPU and 9 MB to every start.
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  });
}
