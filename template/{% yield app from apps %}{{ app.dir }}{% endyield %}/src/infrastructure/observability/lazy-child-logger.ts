import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString, LogFn } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * `request.log`, built on its first use. Fastify makes a child logger (bound to the request id)
 * for every request, and with redaction configured pino runs the redaction over the bindings of
 * each child: about 2 µs a request. Most requests never log through it (the access line has its
 * own logger; probes and scrapes log nothing), so the child is only made when a line is written,
 * with the same bindings and options: the output is the same.
 */
class LazyChildLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get #logger(): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.bindings, this.options);
    return this.#child;
  }

  get level(): LevelWithSilentOrString {
    return this.#child?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.#logger.level = level;
  }

  readonly fatal: LogFn = (...args: unknown[]) => {
    this.#write('fatal', args);
  };
  readonly error: LogFn = (...args: unknown[]) => {
    this.#write('error', args);
  };
  readonly warn: LogFn = (...args: unknown[]) => {
    this.#write('warn', args);
  };
  readonly info: LogFn = (...args: unknown[]) => {
    this.#write('info', args);
  };
  readonly debug: LogFn = (...args: unknown[]) => {
    this.#write('debug', args);
  };
  readonly trace: LogFn = (...args: unknown[]) => {
    this.#write('trace', args);
  };
  readonly silent: LogFn = () => undefined;

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger.child(bindings, options);
  }

  #write(level: Level, args: unknown[]): void {
    const logger = this.#logger;
    Reflect.apply(logger[level], logger, args);
  }
}

/** Fastify's `childLoggerFactory`: request loggers that cost nothing until they write. */
export const lazyChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) =>
  new LazyChildLogger(logger, bindings, options);
