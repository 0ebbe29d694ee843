import { Piscina } from 'piscina';
import { DomainError } from '#platform/errors/domain-error';

/**
 * A task a worker thread runs: a module whose default export takes `Input` and returns `Output`
 * (or a promise of it). Both cross the thread boundary by structured clone, so keep them to
 * plain data; strings and buffers copy fastest.
 */
export interface CpuTask<Input, Output> {
  readonly filename: string;
  /** Type-level only: ties the task to its input and output types. */
  readonly types?: (input: Input) => Output;
}

export interface CpuPoolStats {
  readonly threads: number;
  readonly queued: number;
  /** Share of the pool's capacity used since it started, 0 to 1. */
  readonly utilization: number;
}

export interface CpuPool {
  run<Input, Output>(task: CpuTask<Input, Output>, input: Input): Promise<Output>;
  stats(): CpuPoolStats;
  close(): Promise<void>;
}

// Running from the TypeScript sources (npm run dev, npm test), worker threads load the .ts task
// files through tsx; the built service loads the compiled .js files with plain node.
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * Names the task module next to the caller: `cpuTask(new URL('./x.task.js', import.meta.url))`.
 * Written with .js like every other import, it resolves to the .ts file when run from source.
 */
export function cpuTask<Input, Output>(url: URL): CpuTask<Input, Output> {
  return { filename: FROM_SOURCE ? url.href.replace(/\.js$/, '.ts') : url.href };
}

/**
 * Worker threads for CPU-heavy work, so the event loop keeps serving requests meanwhile. Threads
 * start on first use and stop after a minute idle; tasks beyond the threads' capacity queue up,
 * and beyond the queue's bound `run` rejects at once instead of piling up work.
 */
export function createCpuPool(options: { maxThreads: number }): CpuPool {
  const pool = new Piscina({
    minThreads: 0,
    maxThreads: options.maxThreads,
    idleTimeout: 60_000,
    maxQueue: 'auto', // maxThreads²
    execArgv: FROM_SOURCE ? ['--import', 'tsx'] : [],
  });
  return {
    async run<Input, Output>(task: CpuTask<Input, Output>, input: Input): Promise<Output> {
      if (pool.queueSize >= pool.options.maxQueue) {
        throw new DomainError('unavailable', 'SERVER_BUSY', 'Too many requests are being processed; retry in a moment');
      }
      return (await pool.run(input, { filename: task.filename })) as Output;
    },
    stats: () => ({ threads: pool.threads.length, queued: pool.queueSize, utilization: pool.utilization }),
    close: () => pool.close(),
  };
}
