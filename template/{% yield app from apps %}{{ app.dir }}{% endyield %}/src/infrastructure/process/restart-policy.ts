export interface RestartPolicy {
  /** Delay before replacing the first crashed worker; it doubles with each further crash. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** More crashes than this within `windowMs` is a crash loop: the primary gives up. */
  readonly maxCrashes: number;
  readonly windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxCrashes: 10,
  windowMs: 60_000,
};

/**
 * Decides how long to wait before replacing a crashed worker: exponential backoff over the crashes
 * of the last `windowMs`, capped. A service that keeps crashing (a bad deploy, a dependency gone)
 * should fail visibly and let its supervisor act, not burn CPU restarting forever.
 */
export class CrashTracker {
  #crashes: number[] = [];

  constructor(private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY) {}

  /** The delay before the replacement starts, or undefined when the service is crash-looping. */
  recordCrash(now: number): number | undefined {
    this.#crashes = this.#crashes.filter((time) => now - time < this.policy.windowMs);
    this.#crashes.push(now);
    if (this.#crashes.length > this.policy.maxCrashes) return undefined;
    return Math.min(this.policy.initialDelayMs * 2 ** (this.#crashes.length - 1), this.policy.maxDelayMs);
  }
}
