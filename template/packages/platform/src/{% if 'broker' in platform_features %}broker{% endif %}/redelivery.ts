import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs } from '../retry/backoff.js';

export const DEFAULT_REDELIVERY_DELAY_MS = 1000;

// A message whose handler keeps failing (a dependency down for a while) is retried at most once a
// minute, instead of waiting ever longer.
const MAX_REDELIVERY_DELAY_MS = 60_000;

/** Wait before redelivering a message whose handler failed on `failedAttempt` (1, 2…): doubles, capped. */
export function redeliveryDelayMs(firstDelayMs: number, failedAttempt: number): number {
  return backoffDelayMs({ firstDelayMs, maxDelayMs: MAX_REDELIVERY_DELAY_MS }, failedAttempt);
}

/** Resolves after `ms`, or at once when `signal` aborts (shutdown); never rejects. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // aborted: the caller checks why
  }
}
