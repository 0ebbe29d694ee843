import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

// The real entry point in a child process (through tsx, as `npm run dev` runs it). Without
// DATABASE_URL it starts PGlite and migrates it, which takes a few seconds.
function startServer(env: Record<string, string>, nodeOptions: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeOptions, 'src/server.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const logLines: Record<string, unknown>[] = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => logLines.push(JSON.parse(line) as Record<string, unknown>));
  const listening = new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const address = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
      if (address !== undefined) resolve(address);
    });
    void exited.then(() => {
      reject(new Error(`server exited before listening: ${stderr}`));
    });
  });
  listening.catch(() => undefined); // awaited by the tests that need it, and only those
  return { child, exited, listening, logLines, stderr: () => stderr };
}

describe('server process', () => {
  it('refuses to start in production with the default JWT secret, in one line naming it', async () => {
    const server = startServer({ NODE_ENV: 'production', DATABASE_URL: 'postgres://app@127.0.0.1:1/app' });

    expect(await server.exited).toBe(1);
    const output = server.stderr().trim();
    expect(output.split('\n')).toHaveLength(1);
    expect(output).toMatch(/^Invalid configuration: JWT_SECRET must be set/);
  });

  it('serves requests, then shuts down gracefully on SIGTERM with exit code 0', { timeout: 90_000 }, async () => {
    const database = process.env.DATABASE_URL === undefined ? {} : { DATABASE_URL: process.env.DATABASE_URL };
    const server = startServer({ NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', ...database });
    const address = await server.listening;

    const response = await fetch(`${address}/health/ready`);
    expect(response.status).toBe(200);

    server.child.kill('SIGTERM');

    expect(await server.exited).toBe(0);
    expect(server.logLines.map((line) => line.msg).slice(-2)).toEqual(['shutting down', 'shutdown complete']);
  });

  it('logs an unhandled rejection as fatal and exits 1 for the supervisor to restart it', async () => {
    const rejectSoon = 'data:text/javascript,setTimeout(() => Promise.reject(new Error("lost promise")), 500)';
    const server = startServer({ NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0' }, ['--import', rejectSoon]);

    expect(await server.exited).toBe(1);
    expect(server.logLines).toContainEqual(
      expect.objectContaining({
        level: 'fatal',
        msg: 'fatal error, shutting down',
        err: expect.objectContaining({ message: 'lost promise' }),
      }),
    );
  });
});
