import { createHash } from 'node:crypto';
import bcrypt from 'bcrypt';

/** One-way password hashing; services depend on this interface, tests may pass a fast fake. */
export interface PasswordHasher {
  /** Every character of `password` counts, whatever its length in bytes. */
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

/** bcrypt reads at most 72 bytes of its input and silently ignores the rest. */
export const BCRYPT_MAX_INPUT_BYTES = 72;

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
    hash: (password) => bcrypt.hash(bcryptInput(password), cost),
    verify: (password, hash) => bcrypt.compare(bcryptInput(password), hash),
  };
}

/**
 * The password limit is in characters (the API schema's), but bcrypt's is in bytes: 72 characters
 * outside ASCII take up to 288. A password over 72 bytes is first reduced to its SHA-256 digest
 * (44 base64 characters), so bcrypt sees all of it; shorter ones go in as they are, which keeps
 * every hash stored before this rule valid (longer passwords used to be refused).
 */
function bcryptInput(password: string): string {
  if (Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_INPUT_BYTES) return password;
  return createHash('sha256').update(password, 'utf8').digest('base64');
}
