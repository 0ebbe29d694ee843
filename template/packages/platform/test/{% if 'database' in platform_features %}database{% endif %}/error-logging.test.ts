import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { captureLogs } from '../support/logs.js';

// PGlite takes a couple of seconds to start, more on a busy machine.
describe('a failed query in the logs', { timeout: 30_000 }, () => {
  it('has neither its parameters nor the values of the row', async () => {
    const { logger, lines } = captureLogs();
    const db = await PGlite.create();
    await db.exec('CREATE TABLE people (email text UNIQUE, password_hash text NOT NULL)');
    await db.query('INSERT INTO people VALUES ($1, $2)', ['ada@example.com', '$2b$12$secrethash']);
    for (const params of [
      ['ada@example.com', '$2b$12$secrethash'], // unique violation: PostgreSQL's detail names the e-mail
      ['grace@example.com', null], // not-null violation: the detail lists the row
      ['nul\u0000@example.com', '$2b$12$secrethash'], // invalid byte sequence
    ]) {
      const failure: unknown = await db
        .query('INSERT INTO people VALUES ($1, $2)', params)
        .catch((error: unknown) => error);
      logger.error({ err: failure }, 'query failed');
    }
    await db.close();

    const logged = JSON.stringify(lines);
    expect(lines).toHaveLength(3);
    expect(logged).not.toContain('example.com');
    expect(logged).not.toContain('secrethash');
    expect(lines[0]).toMatchObject({ err: { code: '23505', constraint: 'people_email_key' } });
  });
});
