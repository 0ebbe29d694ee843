import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

export type LogLine = Record<string, unknown>;

export interface StartedProcess {
  readonly child: ChildProcess;
  /** The exit code (null when killed by a signal); rejects if the process could not be started. */
  readonly exited: Promise<number | null>;
  /**
   * The exit code, or, when the process is still running after `timeoutMs`, an error carrying its
   * output (and the process is killed): a failing test then says where the process was stuck.
   */
  exitCode(timeoutMs?: number): Promise<number | null>;
  /** The address of the first "Server listening at …" line. */
  readonly listening: Promise<string>;
  readonly logLines: LogLine[];
  stderr(): string;
  /** Resolves with the first log line (past or future) matching `predicate`. */
  waitForLog(predicate: (line: LogLine) => boolean, description?: string): Promise<LogLine>;
  /** Resolves once `count` log lines match `predicate`. */
  waitForLogs(predicate: (line: LogLine) => boolean, count: number, description?: string): Promise<LogLine[]>;
}

/**
 * An entry point of src/ in a child process, through tsx as `npm run dev` runs it, with only the
 * environment given (and PATH, and the PGLITE_SNAPSHOT its embedded database starts from, made by
 * the test setup: tooling/pglite-snapshot.js). Its stdout must be JSON log lines.
 */
export function startProcess(entry: string, env: Record<string, string>, nodeOptions: string[] = []): StartedProcess {
  // --conditions=source: the workspace packages from their sources, as in `npm run dev`.
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...nodeOptions, entry], {
    // Test processes run side by side: each serving /metrics on a port of its own takes a free one
    // (the others ignore METRICS_PORT). Load shedding is off unless the test turns it on, as in
    // TEST_ENV: a process started beside other test files lags now and then, and must not answer 503.
    env: { PATH: process.env.PATH ?? '', METRICS_PORT: '0', MAX_EVENT_LOOP_DELAY_MS: '0', ...snapshot(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('exit', resolve);
    child.on('error', reject);
  });
  const logLines: LogLine[] = [];
  const watchers = new Set<() => void>();
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    logLines.push(JSON.parse(line) as LogLine);
    for (const watcher of watchers) watcher();
  });

  function waitForLogs(predicate: (line: LogLine) => boolean, count: number, description = 'log lines') {
    return new Promise<LogLine[]>((resolve, reject) => {
      const check = () => {
        const found = logLines.filter(predicate);
        if (found.length < count) return false;
        watchers.delete(check);
        resolve(found);
        return true;
      };
      if (check()) return;
      watchers.add(check);
      const ended = (outcome: string) => {
        if (watchers.delete(check)) reject(new Error(`${entry} ${outcome} before ${description}: ${stderr}`));
      };
      exited.then(
        (code) => {
          ended(`exited (${String(code)})`);
        },
        (error: unknown) => {
          ended(`could not start (${String(error)})`);
        },
      );
    });
  }

  const listening = waitForLogs((line) => String(line.msg).startsWith('Server listening at '), 1, 'listening').then(
    ([line]) => String(line?.msg).replace('Server listening at ', ''),
  );
  listening.catch(() => undefined); // awaited by the tests that need it, and only those
  async function exitCode(timeoutMs = 60_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        const lastLines = logLines.slice(-20).map((line) => JSON.stringify(line));
        reject(new Error(`${entry} still running after ${timeoutMs} ms:\n${lastLines.join('\n')}\n${stderr}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([exited, stuck]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    child,
    exited,
    exitCode,
    listening,
    logLines,
    stderr: () => stderr,
    waitForLogs,
    waitForLog: async (predicate, description) => {
      const [line] = await waitForLogs(predicate, 1, description);
      if (line === undefined) throw new Error('unreachable');
      return line;
    },
  };
}

// Without it, every process a test starts on PGlite would spend seconds creating its cluster.
function snapshot(): Record<string, string> {
  const path = process.env.PGLITE_SNAPSHOT;
  return path === undefined ? {} : { PGLITE_SNAPSHOT: path };
}

/** Whether a process with this id is still running. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A TCP port free on 127.0.0.1 right now, for a process that cannot be given 0. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return port;
}
