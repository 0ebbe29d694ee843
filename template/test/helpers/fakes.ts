import { randomUUID } from 'node:crypto';
import type { PasswordHasher } from '../../src/infrastructure/security/password-hasher.js';
import type { NewUser, User, UserCredentials } from '../../src/modules/users/users.model.js';
import type { UsersRepository } from '../../src/modules/users/users.repository.js';

/** Instant and transparent, for unit tests: bcrypt itself is tested on its own. */
export class FakePasswordHasher implements PasswordHasher {
  readonly maxPasswordBytes = 72;
  readonly verified: string[] = [];

  hash(password: string): Promise<string> {
    return Promise.resolve(`hashed:${password}`);
  }

  verify(password: string, hash: string): Promise<boolean> {
    this.verified.push(hash);
    return Promise.resolve(hash === `hashed:${password}`);
  }
}

export class InMemoryUsersRepository implements UsersRepository {
  readonly rows = new Map<string, UserCredentials>();

  insert(user: NewUser): Promise<User | null> {
    if ([...this.rows.values()].some(({ user: existing }) => existing.email === user.email))
      return Promise.resolve(null);
    const created: User = { id: randomUUID(), email: user.email, name: user.name, createdAt: new Date() };
    this.rows.set(created.id, { user: created, passwordHash: user.passwordHash });
    return Promise.resolve(created);
  }

  findById(id: string): Promise<User | null> {
    return Promise.resolve(this.rows.get(id)?.user ?? null);
  }

  findCredentialsByEmail(email: string): Promise<UserCredentials | null> {
    return Promise.resolve([...this.rows.values()].find(({ user }) => user.email === email) ?? null);
  }
}

export function uniqueEmail(): string {
  return `user-${randomUUID()}@example.com`;
}
