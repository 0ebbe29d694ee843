import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/infrastructure/database/database.js';
import { SqlUsersRepository } from '../../src/modules/users/users.repository.js';
import { createTestDatabase } from '../helpers/database.js';
import { uniqueEmail } from '../helpers/fakes.js';

// PGlite by default; the PostgreSQL of DATABASE_URL when it is set.
describe('SqlUsersRepository', () => {
  let database: Database;
  let repository: SqlUsersRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    repository = new SqlUsersRepository(database);
  });

  afterAll(async () => {
    await database.close();
  });

  const newUser = () => ({ email: uniqueEmail(), name: 'Ada', passwordHash: '$2b$12$notarealhash' });

  it('inserts a user and maps it without the password hash', async () => {
    const input = newUser();

    const user = await repository.insert(input);

    expect(user).toEqual({ id: expect.any(String), email: input.email, name: 'Ada', createdAt: expect.any(Date) });
    expect(user).not.toHaveProperty('passwordHash');
    expect(user).not.toHaveProperty('password_hash');
  });

  it('returns null instead of inserting a second user with the same email', async () => {
    const input = newUser();
    await repository.insert(input);

    await expect(repository.insert({ ...input, name: 'Impostor' })).resolves.toBeNull();
    const { rows } = await database.query('SELECT name FROM users WHERE email = $1', [input.email]);
    expect(rows).toEqual([{ name: 'Ada' }]);
  });

  it('finds a user by id, and null for an unknown id', async () => {
    const user = await repository.insert(newUser());

    await expect(repository.findById(user?.id ?? '')).resolves.toEqual(user);
    await expect(repository.findById('00000000-0000-4000-8000-000000000000')).resolves.toBeNull();
  });

  it('returns the credentials by email, for the service to check a password', async () => {
    const input = newUser();
    const user = await repository.insert(input);

    await expect(repository.findCredentialsByEmail(input.email)).resolves.toEqual({
      user,
      passwordHash: input.passwordHash,
    });
    await expect(repository.findCredentialsByEmail(uniqueEmail())).resolves.toBeNull();
  });

  it('works inside a transaction, which a failure rolls back', async () => {
    const input = newUser();

    await expect(
      database.transaction(async (tx) => {
        await new SqlUsersRepository(tx).insert(input);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');

    await expect(repository.findCredentialsByEmail(input.email)).resolves.toBeNull();
  });

  it('is protected by the schema against emails that are not lower-case', async () => {
    await expect(repository.insert({ ...newUser(), email: 'Mixed.Case@Example.com' })).rejects.toThrow(
      /users_email_lower_case/,
    );
  });
});
