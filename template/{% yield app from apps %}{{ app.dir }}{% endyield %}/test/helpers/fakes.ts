import { randomUUID } from 'node:crypto';
import { MailRejectedError, type Mail, type Mailer } from '../../src/infrastructure/mail/mailer.js';
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

/**
 * A mail transport that keeps what it is given. `failNext(n)` makes the next n sends fail as a
 * mail server that is briefly unreachable would; `rejectNext()` as one refusing the message.
 */
export class RecordingMailer implements Mailer {
  /** Every call to send, successful or not. */
  readonly attempts: Mail[] = [];
  /** The mails actually sent. */
  readonly sent: Mail[] = [];
  #failures = 0;
  #reject = false;
  #waiters: { count: number; resolve: () => void }[] = [];

  failNext(times: number): void {
    this.#failures = times;
  }

  rejectNext(): void {
    this.#reject = true;
  }

  send(mail: Mail): Promise<void> {
    this.attempts.push(mail);
    if (this.#reject) {
      this.#reject = false;
      return Promise.reject(new MailRejectedError('550 mailbox unavailable'));
    }
    if (this.#failures > 0) {
      this.#failures -= 1;
      return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNECTION' }));
    }
    this.sent.push(mail);
    for (const waiter of this.#waiters.filter(({ count }) => this.sent.length >= count)) waiter.resolve();
    return Promise.resolve();
  }

  /** Resolves once `count` mails have been sent. */
  sentCount(count: number): Promise<void> {
    if (this.sent.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  close(): void {
    // nothing to release
  }
}

export function uniqueEmail(): string {
  return `user-${randomUUID()}@example.com`;
}
