import { describe, expect, it } from 'vitest';
import { CAPTURED_SERVICE, captureLogs } from '../support/logs.js';

describe('createLogger', () => {
  it('writes JSON lines with a level name and an ISO timestamp', () => {
    const { logger, lines } = captureLogs();

    logger.info({ orderId: 7 }, 'order placed');

    expect(lines[0]).toMatchObject({ level: 'info', msg: 'order placed', orderId: 7 });
    expect(lines[0]?.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('names the service on every line, for the log backend to group by', () => {
    const { logger, lines } = captureLogs();

    logger.child({ requestId: 'r-1' }).warn('slow upstream');

    expect(lines[0]).toMatchObject({ service: CAPTURED_SERVICE, pid: process.pid, level: 'warn' });
    expect(typeof lines[0]?.hostname).toBe('string');
  });

  it('drops lines below the configured level', () => {
    const { logger, lines } = captureLogs();

    logger.debug('not written');
    logger.info('written');

    expect(lines.map((line) => line.msg)).toEqual(['written']);
  });

  it('redacts authorization headers, cookies, passwords and tokens', () => {
    const { logger, lines } = captureLogs();

    logger.info(
      {
        req: { headers: { authorization: 'Bearer eyJhbGciOi', cookie: 'session=abc', accept: 'application/json' } },
        res: { headers: { 'set-cookie': 'session=abc' } },
        password: 'hunter2hunter2',
        body: { password: 'hunter2hunter2', email: 'ada@example.com' },
        result: { accessToken: 'eyJhbGciOi' },
      },
      'request',
    );

    const line = JSON.stringify(lines[0]);
    expect(line).not.toContain('eyJhbGciOi');
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain('session=abc');
    expect(line).toContain('ada@example.com');
    expect(line).toContain('application/json');
  });
});
