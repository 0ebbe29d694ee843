import { backoffDelayMs, type Backoff } from '#platform/retry/backoff';

/**
 * The wait before the next attempt after `failedAttempts` failures: the project's exponential
 * backoff, of which a random half is waited. Receivers that were down for everyone then see the
 * retries spread out, not all at once when they come back.
 */
export function retryDelayMs(policy: Backoff, failedAttempts: number, random: () => number = Math.random): number {
  const delay = backoffDelayMs(policy, failedAttempts);
  return Math.round(delay / 2 + (random() * delay) / 2);
}
