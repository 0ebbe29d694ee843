import { describe, expect, it } from 'vitest';
import { isRunning, startProcess, type LogLine } from '../helpers/processes.js';

const started = (line: LogLine) => line.msg === 'cluster worker started';
const listening = (line: LogLine) => String(line.msg).startsWith('Server listening at ');

// WEB_CONCURRENCY=2: a primary and two API processes sharing the port (each on its own PGlite
// here, or on DATABASE_URL when it is set).
describe('cluster mode', () => {
  it('replaces a worker that dies, then stops every worker on SIGTERM', { timeout: 120_000 }, async () => {
    const database = process.env.DATABASE_URL === undefined ? {} : { DATABASE_URL: process.env.DATABASE_URL };
    const primary = startProcess('src/server.ts', {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      WEB_CONCURRENCY: '2',
      ...database,
    });
    const first = await primary.waitForLogs(started, 2, 'two workers started');
    const [address] = (await primary.waitForLogs(listening, 2, 'two workers listening')).map((line) =>
      String(line.msg).replace('Server listening at ', ''),
    );
    const [victim, survivor] = first.map((line) => Number(line.workerPid));
    if (victim === undefined || survivor === undefined) throw new Error('no worker pids');

    process.kill(victim, 'SIGKILL');

    const died = await primary.waitForLog((line) => line.msg === 'cluster worker died, replacing it', 'the crash');
    const replacement = (await primary.waitForLogs(started, 3, 'a replacement'))[2];
    await primary.waitForLogs(listening, 3, 'the replacement listening');
    expect(died).toMatchObject({ level: 'error', workerPid: victim, signal: 'SIGKILL', delayMs: 500 });
    expect(replacement?.workerPid).not.toBe(victim);
    expect((await fetch(`${String(address)}/health/live`)).status).toBe(200);

    primary.child.kill('SIGTERM');

    expect(await primary.exitCode()).toBe(0);
    expect(primary.logLines.filter((line) => line.msg === 'shutdown complete')).toHaveLength(2);
    expect(primary.logLines.at(-1)).toMatchObject({ msg: 'cluster stopped' });
    expect([survivor, Number(replacement?.workerPid)].filter(isRunning)).toEqual([]);
  });
});
