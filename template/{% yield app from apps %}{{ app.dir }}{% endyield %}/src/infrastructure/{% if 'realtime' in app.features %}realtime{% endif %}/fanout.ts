/** One event of a user's stream, as Server-Sent Events carry it. */
export interface StreamEvent {
  /** Increases along the user's stream: the client sends the last one it saw back as Last-Event-ID. */
  readonly id: string;
  /** The SSE `event:` field, e.g. `order.status`. */
  readonly type: string;
  /** JSON text: the SSE `data:` field. */
  readonly data: string;
}

export type StreamListener = (event: StreamEvent) => void;

/**
 * Carries each user's events to every process holding a stream of that user (Redis Pub/Sub, or this
 * process alone without Redis), and keeps the user's latest events so that a client reconnecting with
 * Last-Event-ID, to this process or another, receives what it missed.
 */
export interface Fanout {
  /** Appends the event to the user's stream and delivers it to every listener of the user. */
  publish(userId: string, type: string, data: unknown): Promise<void>;
  /** Resolves once events published from now on reach `listener`; the function it gives stops them. */
  subscribe(userId: string, listener: StreamListener): Promise<() => void>;
  /**
   * The retained events after `lastEventId`, oldest first. None when the id is not one this fanout
   * gives; events older than the retained history are gone (the client reloads its state then).
   */
  since(userId: string, lastEventId: string): Promise<readonly StreamEvent[]>;
}

/** How much of each user's stream is kept for resumption. */
export interface FanoutHistory {
  /** Events kept per user. */
  readonly historySize: number;
  /** A user's history is forgotten this long after their last event. */
  readonly historyTtlSeconds: number;
}
