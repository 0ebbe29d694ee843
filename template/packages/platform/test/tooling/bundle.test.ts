import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleDeployable } from '../../tooling/bundle.js';

const run = promisify(execFile);

// A deployable of two processes sharing a module, one CPU task in a subfolder, and an import of a
// package the bundle leaves external.
const SOURCES: Record<string, string> = {
  'src/shared.ts': 'export const greeting = (name: string): string => `hello ${name}`;\n',
  'src/server.ts': "import { greeting } from './shared.js';\nconsole.log(greeting('server'));\n",
  'src/migrate.ts':
    "import { greeting } from './shared.js';\nexport const loadDriver = () => import('pg');\nconsole.log(greeting('migrate'));\n",
  'src/modules/report/report.task.ts': 'export default (rows: number[]): number => rows.length;\n',
};

describe('bundleDeployable', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'bundle-'));
    for (const [file, text] of Object.entries(SOURCES)) {
      await mkdir(dirname(join(root, file)), { recursive: true });
      await writeFile(join(root, file), text);
    }
    await bundleDeployable(root);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('bundles each process the deployable has, and its CPU tasks, directly into dist/', async () => {
    const files = await readdir(join(root, 'dist'));
    expect(files).toEqual(expect.arrayContaining(['server.js', 'migrate.js', 'report.task.js']));
    // Processes it does not have are not invented.
    expect(files).not.toContain('worker.js');
  });

  it('runs, the shared module in one chunk rather than a copy in each process', async () => {
    const { stdout } = await run(process.execPath, [join(root, 'dist/server.js')]);
    expect(stdout).toBe('hello server\n');
    const server = await readFile(join(root, 'dist/server.js'), 'utf8');
    expect(server).not.toContain('hello ${');
  });

  it('leaves the packages OpenTelemetry patches in node_modules', async () => {
    const migrate = await readFile(join(root, 'dist/migrate.js'), 'utf8');
    expect(migrate).toMatch(/import\(["']pg["']\)/);
  });
});
