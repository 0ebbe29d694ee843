/**
 * What went wrong, in business terms. The HTTP layer maps each kind to a status code, so services
 * and repositories never deal with HTTP.
 */
export type DomainErrorKind =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  /** The service cannot take the request now (overloaded); the client may retry later. */
  | 'unavailable';

/**
 * An expected failure whose message is written for the API client: it is returned as is.
 * Anything else that is thrown is an unexpected failure and is answered with a generic 500.
 */
export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  /** Stable, machine-readable identifier clients can branch on, e.g. `EMAIL_ALREADY_REGISTERED`. */
  readonly code: string;

  constructor(kind: DomainErrorKind, code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
  }
}
