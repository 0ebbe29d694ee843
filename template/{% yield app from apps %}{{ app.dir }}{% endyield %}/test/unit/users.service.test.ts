import { beforeEach, describe, expect, it } from 'vitest';
import {
  EmailAlreadyRegisteredError,
  InvalidCredentialsError,
  PasswordTooLongError,
  UserNotFoundError,
} from '../../src/modules/users/users.errors.js';
import { UsersService } from '../../src/modules/users/users.service.js';
import { FakePasswordHasher, InMemoryUsersRepository } from '../helpers/fakes.js';

describe('UsersService', () => {
  let repository: InMemoryUsersRepository;
  let hasher: FakePasswordHasher;
  let service: UsersService;

  beforeEach(() => {
    repository = new InMemoryUsersRepository();
    hasher = new FakePasswordHasher();
    service = new UsersService(repository, hasher);
  });

  const registration = { email: ' Ada@Example.COM ', password: 'correct horse battery', name: '  Ada  ' };

  describe('register', () => {
    it('stores a normalised email, a trimmed name and the password hash, not the password', async () => {
      const user = await service.register(registration);

      expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada' });
      expect(user).not.toHaveProperty('passwordHash');
      expect(repository.rows.get(user.id)?.passwordHash).toBe('hashed:correct horse battery');
    });

    it('refuses an email that is already registered, whatever its case', async () => {
      await service.register(registration);

      await expect(service.register({ ...registration, email: 'ADA@example.com' })).rejects.toBeInstanceOf(
        EmailAlreadyRegisteredError,
      );
    });

    it('refuses a password longer than the hasher accepts, counted in bytes', async () => {
      const password = 'é'.repeat(37); // 37 characters, 74 bytes in UTF-8

      await expect(service.register({ ...registration, password })).rejects.toBeInstanceOf(PasswordTooLongError);
      expect(repository.rows.size).toBe(0);
    });
  });

  describe('authenticate', () => {
    it('returns the user for the right password, with the email in any case', async () => {
      const registered = await service.register(registration);

      await expect(service.authenticate('ADA@example.com', 'correct horse battery')).resolves.toEqual(registered);
    });

    it('refuses a wrong password', async () => {
      await service.register(registration);

      await expect(service.authenticate('ada@example.com', 'wrong password!')).rejects.toBeInstanceOf(
        InvalidCredentialsError,
      );
    });

    it('refuses an unknown email with the same error, after the same amount of hashing work', async () => {
      await expect(service.authenticate('nobody@example.com', 'whatever password')).rejects.toBeInstanceOf(
        InvalidCredentialsError,
      );
      expect(hasher.verified).toHaveLength(1);
    });
  });

  describe('getById', () => {
    it('returns the user', async () => {
      const registered = await service.register(registration);

      await expect(service.getById(registered.id)).resolves.toEqual(registered);
    });

    it('fails with UserNotFoundError for an unknown id', async () => {
      await expect(service.getById('8f1f7f5e-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(UserNotFoundError);
    });
  });
});
