import { DomainError } from '#platform/errors/domain-error';

export class EmailAlreadyRegisteredError extends DomainError {
  constructor() {
    super('conflict', 'EMAIL_ALREADY_REGISTERED', 'An account with this email already exists');
  }
}

/** The same error for an unknown email and a wrong password: no way to probe which emails exist. */
export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('unauthorized', 'INVALID_CREDENTIALS', 'Email or password is incorrect');
  }
}

export class UserNotFoundError extends DomainError {
  constructor() {
    super('not_found', 'USER_NOT_FOUND', 'User not found');
  }
}
