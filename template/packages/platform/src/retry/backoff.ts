/**
 * The one backoff policy of the project: the wait before retrying after `failedAttempt` failures in
 * a row (1, 2…) doubles from `firstDelayMs`, capped at `maxDelayMs`. Used by broker redelivery, the
 * outbox relay, the NATS consume loop, the cluster's worker restarts and the in-process job runner
 * (which thereby waits as BullMQ's `exponential` backoff does, the option the Redis runtime passes).
 *
 * A formula, not a retry package: p-retry and exponential-backoff own the loop that calls the
 * function again, while here the loop belongs to someone else (the broker redelivers at the delay
 * its nack names, the relay and the cluster schedule their own timers).
 */
export interface Backoff {
  readonly firstDelayMs: number;
  /** Leave unset for no cap (BullMQ's exponential backoff has none). */
  readonly maxDelayMs?: number;
}

export function backoffDelayMs(policy: Backoff, failedAttempt: number): number {
  return Math.min(policy.firstDelayMs * 2 ** (failedAttempt - 1), policy.maxDelayMs ?? Number.POSITIVE_INFINITY);
}
