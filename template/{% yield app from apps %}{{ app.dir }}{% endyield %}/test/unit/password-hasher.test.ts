import { describe, expect, it } from 'vitest';
import { createBcryptHasher } from '../../src/infrastructure/security/password-hasher.js';

describe('createBcryptHasher', () => {
  it('refuses a cost below 12', () => {
    expect(() => createBcryptHasher(11)).toThrow(/at least 12/);
  });

  it('hashes with the configured cost and verifies only the right password', async () => {
    const hasher = createBcryptHasher(12);

    const hash = await hasher.hash('correct horse battery');

    expect(hash).toMatch(/^\$2[aby]\$12\$/);
    await expect(hasher.verify('correct horse battery', hash)).resolves.toBe(true);
    await expect(hasher.verify('wrong horse battery', hash)).resolves.toBe(false);
  });
});
