import { randomUUID } from 'node:crypto';
import type { PasswordHasher } from '../../infrastructure/security/password-hasher.js';
import { EmailAlreadyRegisteredError, InvalidCredentialsError, UserNotFoundError } from './users.errors.js';
import type { User } from './users.model.js';
import type { UsersRepository } from './users.repository.js';

export interface Registration {
  readonly email: string;
  readonly password: string;
  readonly name: string;
}

/** Business rules of user accounts. Knows neither HTTP nor SQL. */
export class UsersService {
  #dummyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
  ) {}

  async register(registration: Registration): Promise<User> {
    const passwordHash = await this.passwords.hash(registration.password);
    const user = await this.users.insert({
      email: normalizeEmail(registration.email),
      name: registration.name.trim(),
      passwordHash,
    });
    if (user === null) throw new EmailAlreadyRegisteredError();
    return user;
  }

  /** The user whose email and password match; InvalidCredentialsError otherwise. */
  async authenticate(email: string, password: string): Promise<User> {
    const credentials = await this.users.findCredentialsByEmail(normalizeEmail(email));
    // An unknown email is checked against a dummy hash, so it takes as long to refuse as a
    // wrong password: response times do not reveal which emails have an account.
    const hash = credentials?.passwordHash ?? (await this.dummyHash());
    const matches = await this.passwords.verify(password, hash);
    if (credentials === null || !matches) throw new InvalidCredentialsError();
    return credentials.user;
  }

  async getById(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (user === null) throw new UserNotFoundError();
    return user;
  }

  private dummyHash(): Promise<string> {
    this.#dummyHash ??= this.passwords.hash(randomUUID());
    return this.#dummyHash;
  }
}

/** Emails are compared case-insensitively: Ada@Example.com and ada@example.com are one account. */
function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
