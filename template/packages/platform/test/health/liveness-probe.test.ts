import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isLive } from '../../src/health/liveness-probe.js';

describe('isLive', () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise((resolve) => {
      if (server === undefined) resolve(undefined);
      else server.close(resolve);
    });
  });

  /** A local process whose /health/live answers with `status`; returns its port. */
  const serving = async (status: number): Promise<number> => {
    server = createServer((request, response) => {
      response.writeHead(request.url === '/health/live' ? status : 404).end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };

  it('is true when the process answers /health/live', async () => {
    expect(await isLive(await serving(200))).toBe(true);
  });

  it('is false when the process answers with an error', async () => {
    expect(await isLive(await serving(503))).toBe(false);
  });

  it('is false when nothing listens on the port', async () => {
    const port = await serving(200);
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;

    expect(await isLive(port)).toBe(false);
  });
});
