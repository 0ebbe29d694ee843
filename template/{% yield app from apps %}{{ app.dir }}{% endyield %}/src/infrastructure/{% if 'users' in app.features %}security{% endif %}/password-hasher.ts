import bcrypt from 'bcrypt';

/** One-way password hashing; services depend on this interface, tests may pass a fast fake. */
export interface PasswordHasher {
  /** Longer passwords must be refused: the algorithm would silently ignore the excess. */
  readonly maxPasswordBytes: number;
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

/** bcrypt caps its input at 72 bytes and ignores the rest, so longer passwords are refused. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

/** The minimum cost accepted; every step up doubles the time one hash takes. */
export const BCRYPT_MIN_COST = 12;

/**
 * bcrypt with the native binding: hashing runs on libuv's thread pool, not on the event loop.
 * The cost is validated again here so that no code path can hash with a weaker one.
 */
export function createBcryptHasher(cost: number): PasswordHasher {
  if (!Number.isInteger(cost) || cost < BCRYPT_MIN_COST) {
    throw new RangeError(`bcrypt cost must be an integer of at least ${BCRYPT_MIN_COST}, got ${cost}`);
  }
  return {
    maxPasswordBytes: BCRYPT_MAX_PASSWORD_BYTES,
    hash: (password) => bcrypt.hash(password, cost),
    verify: (password, hash) => bcrypt.compare(password, hash),
  };
}
