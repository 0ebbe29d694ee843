/**
 * The message handlers running for one consumer: bounds how many run at once and lets a graceful
 * shutdown wait for them.
 */
export interface InFlight {
  readonly size: () => number;
  /** Counts `task` until it settles. */
  add(task: Promise<void>): void;
  /** Resolves once fewer than `limit` handlers run. */
  below(limit: number): Promise<void>;
  /** Resolves once no handler runs (including those started meanwhile). */
  idle(): Promise<void>;
}

export function createInFlight(): InFlight {
  const running = new Set<Promise<void>>();

  return {
    size: () => running.size,
    add(task) {
      // Settles either way: the caller handles the task's errors, this only counts it.
      const forget = (): void => {
        running.delete(counted);
      };
      const counted = task.then(forget, forget);
      running.add(counted);
    },
    async below(limit) {
      while (running.size >= limit) await Promise.race(running);
    },
    async idle() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
