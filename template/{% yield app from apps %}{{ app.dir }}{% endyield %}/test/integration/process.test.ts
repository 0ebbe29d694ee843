import { describe, expect, it } from 'vitest';
import { startProcess } from '../helpers/processes.js';

// The real entry point in a child process (through tsx, as `npm run dev` runs it). Without
// DATABASE_URL it starts PGlite and migrates it, which takes a few seconds.
const startServer = (env: Record<string, string>, nodeOptions: string[] = []) =>
  startProcess('src/server.ts', env, nodeOptions);

describe('server process', () => {
  it('refuses to start in production with the default JWT secret, in one line naming it', async () => {
    const server = startServer({ NODE_ENV: 'production', DATABASE_URL: 'postgres://app@127.0.0.1:1/app' });

    expect(await server.exitCode()).toBe(1);
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

    expect(await server.exitCode()).toBe(0);
    expect(server.logLines.map((line) => line.msg).slice(-2)).toEqual(['shutting down', 'shutdown complete']);
  });

  it(
    'logs an unhandled rejection as fatal and exits 1 for the supervisor to restart it',
    { timeout: 90_000 },
    async () => {
      // A promise rejected with nobody to catch it, once the server is up: the preload does it when
      // the process receives SIGWINCH, a signal nothing else in the service listens to.
      const rejectOnSignal =
        'data:text/javascript,process.on("SIGWINCH", () => { Promise.reject(new Error("lost promise")); })';
      const server = startServer({ NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0' }, [
        '--import',
        rejectOnSignal,
      ]);
      await server.listening;

      server.child.kill('SIGWINCH');

      expect(await server.exitCode()).toBe(1);
      expect(server.logLines).toContainEqual(
        expect.objectContaining({
          level: 'fatal',
          msg: 'fatal error, shutting down',
          err: expect.objectContaining({ message: 'lost promise' }),
        }),
      );
    },
  );
});
