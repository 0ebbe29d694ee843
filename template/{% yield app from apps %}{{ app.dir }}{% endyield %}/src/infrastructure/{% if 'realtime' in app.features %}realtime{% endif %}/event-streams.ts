import type { FastifyReply } from 'fastify';
import type { RealtimeConfig } from '../config/realtime.js';
import type { StreamEvent } from './fanout.js';
import { NOT_STORED } from '#platform/http/cache-policy';

export type EventStreamLimits = Pick<
  RealtimeConfig,
  'heartbeatMs' | 'retryMs' | 'maxConnections' | 'maxConnectionsPerUser' | 'maxBufferedBytes'
>;

/** Why a stream could not be opened: the process is full (503) or the user has enough (429). */
export type Refusal = 'process-full' | 'user-full';

/** A place among the open streams, taken before the stream opens and given back when it closes. */
export interface StreamSlot {
  readonly userId: string;
  release(): void;
}

/** An open Server-Sent Events response. */
export interface EventStream {
  /** Writes the event, or closes the stream when the client is too far behind to take it. */
  send(event: StreamEvent): void;
  /** Ends the response; the client reconnects after `retry` with Last-Event-ID. */
  close(): void;
}

/**
 * The Server-Sent Events streams of one process: the connection limits, one heartbeat timer for all
 * of them, and closing them all when the server shuts down (an open stream never ends by itself, so
 * the server's close would otherwise wait for its deadline).
 */
export class EventStreams {
  readonly #limits: EventStreamLimits;
  readonly #open = new Set<OpenStream>();
  readonly #perUser = new Map<string, number>();
  #taken = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  #closing = false;
  /** Streams closed because their client did not read fast enough, since the process started. */
  dropped = 0;

  constructor(limits: EventStreamLimits) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#open.size;
  }

  /** What the streams hold for their clients in this process's memory (what the kernel took aside). */
  get bufferedBytes(): number {
    let bytes = 0;
    for (const stream of this.#open) bytes += stream.bufferedBytes;
    return bytes;
  }

  /** A slot for a new stream of `userId`, or why not. */
  take(userId: string): StreamSlot | Refusal {
    if (this.#closing || this.#taken >= this.#limits.maxConnections) return 'process-full';
    const ofUser = this.#perUser.get(userId) ?? 0;
    if (ofUser >= this.#limits.maxConnectionsPerUser) return 'user-full';
    this.#taken += 1;
    this.#perUser.set(userId, ofUser + 1);
    let released = false;
    return {
      userId,
      release: () => {
        if (released) return;
        released = true;
        this.#taken -= 1;
        const left = (this.#perUser.get(userId) ?? 1) - 1;
        if (left === 0) this.#perUser.delete(userId);
        else this.#perUser.set(userId, left);
      },
    };
  }

  /**
   * Sends the stream's headers on the hijacked `reply`, with the headers its hooks set (request id,
   * security, CORS), and the reconnection delay. `onClose` runs once, however the stream ends.
   */
  open(reply: FastifyReply, slot: StreamSlot, onClose: () => void): EventStream {
    const stream = new OpenStream(reply, this.#limits.maxBufferedBytes, {
      onDropped: () => {
        this.dropped += 1;
      },
      onClose: () => {
        this.#open.delete(stream);
        slot.release();
        if (this.#open.size === 0) this.#stopHeartbeat();
        onClose();
      },
    });
    this.#open.add(stream);
    this.#startHeartbeat();
    stream.start(this.#limits.retryMs);
    return stream;
  }

  /** Ends every stream and refuses new ones: before the HTTP server closes. */
  closeAll(): void {
    this.#closing = true;
    for (const stream of this.#open) stream.close();
  }

  #startHeartbeat(): void {
    if (this.#heartbeat !== undefined) return;
    this.#heartbeat = setInterval(() => {
      for (const stream of this.#open) stream.heartbeat();
    }, this.#limits.heartbeatMs);
    this.#heartbeat.unref();
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}

class OpenStream implements EventStream {
  readonly #reply: FastifyReply;
  readonly #maxBufferedBytes: number;
  readonly #onDropped: () => void;
  #onClose: (() => void) | undefined;

  constructor(
    reply: FastifyReply,
    maxBufferedBytes: number,
    callbacks: { readonly onDropped: () => void; readonly onClose: () => void },
  ) {
    this.#reply = reply;
    this.#maxBufferedBytes = maxBufferedBytes;
    this.#onDropped = callbacks.onDropped;
    this.#onClose = callbacks.onClose;
    reply.raw.on('close', () => {
      this.#closed();
    });
  }

  get bufferedBytes(): number {
    return this.#reply.raw.writableLength;
  }

  start(retryMs: number): void {
    const response = this.#reply.raw;
    for (const [name, value] of Object.entries(this.#reply.getHeaders())) {
      if (value !== undefined) response.setHeader(name, value);
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': NOT_STORED,
      // Nginx (and proxies that honour it) pass each event on at once instead of buffering the response.
      'x-accel-buffering': 'no',
    });
    this.#write(`retry: ${retryMs}\n\n`);
  }

  send(event: StreamEvent): void {
    this.#write(`id: ${event.id}\nevent: ${event.type}\ndata: ${event.data}\n\n`);
  }

  heartbeat(): void {
    this.#write(': heartbeat\n\n');
  }

  close(): void {
    const response = this.#reply.raw;
    // What a slow client has not taken yet would hold the server's close: drop it with the connection.
    if (response.writableLength > 0) response.destroy();
    else response.end();
  }

  /**
   * Back-pressure: what the socket cannot take at once waits in memory, at most `maxBufferedBytes`
   * per stream. A client further behind is disconnected; it reconnects and resumes from its
   * Last-Event-ID, so a stalled client costs a bounded amount of memory, not an ever-growing one.
   */
  #write(chunk: string): void {
    const response = this.#reply.raw;
    if (response.destroyed || response.writableEnded) return;
    if (response.writableLength + Buffer.byteLength(chunk) > this.#maxBufferedBytes) {
      this.#onDropped();
      response.destroy();
      return;
    }
    response.write(chunk);
  }

  #closed(): void {
    const onClose = this.#onClose;
    this.#onClose = undefined;
    onClose?.();
  }
}
