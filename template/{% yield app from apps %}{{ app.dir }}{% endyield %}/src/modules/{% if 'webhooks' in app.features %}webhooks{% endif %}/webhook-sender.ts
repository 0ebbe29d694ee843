import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { PROJECT } from '../../shared/project.js';
import { guardedLookup, isPublicAddress, literalAddress, RefusedAddressError } from './address-guard.js';

/** One webhook as it is sent: the same id, timestamp and body on every attempt. */
export interface WebhookMessage {
  /** The idempotency key (webhook-id): the event's id, unchanged across retries. */
  readonly id: string;
  readonly timestamp: Date;
  /** The exact bytes sent and signed. */
  readonly body: string;
}

export interface SendOutcome {
  readonly delivered: boolean;
  /** The receiver's status code, when it answered. */
  readonly statusCode?: number;
  /** Why it was not delivered, when it was not. */
  readonly error?: string;
  readonly durationMs: number;
}

export interface WebhookSenderOptions {
  readonly allowPrivateAddresses: boolean;
  readonly requestTimeoutMs: number;
}

/** The most of a receiver's answer that is read (and discarded); the connection is then reused. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_ERROR_LENGTH = 500;

/** The Standard Webhooks headers for `message`, signed with the subscription's `whsec_…` secret. */
export function signedHeaders(secret: string, message: WebhookMessage): Record<string, string> {
  const signature = new Webhook(secret).sign(message.id, message.timestamp, message.body);
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(Math.floor(message.timestamp.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

/**
 * Sends webhooks: a POST signed per Standard Webhooks, within a deadline, no redirect followed
 * (a redirect could lead anywhere, the checks below included), and only to public addresses unless
 * private ones are allowed. Any 2xx answer is a delivery; anything else, or no answer, is not.
 */
export class WebhookSender {
  private readonly agent: Agent;
  /** Ends the attempts in flight when the process stops (see `abortInFlight`). */
  private readonly stopping = new AbortController();

  constructor(private readonly options: WebhookSenderOptions) {
    this.agent = new Agent({
      connect: {
        timeout: options.requestTimeoutMs,
        ...(options.allowPrivateAddresses ? {} : { lookup: guardedLookup }),
      },
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
    });
  }

  async send(url: string, secret: string, message: WebhookMessage): Promise<SendOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      this.checkLiteralAddress(url);
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        signal: AbortSignal.any([AbortSignal.timeout(this.options.requestTimeoutMs), this.stopping.signal]),
        headers: {
          'content-type': 'application/json',
          'user-agent': `${PROJECT.name}-webhooks`,
          ...signedHeaders(secret, message),
        },
        body: message.body,
      });
      await response.body.dump({ limit: MAX_RESPONSE_BYTES });
      const delivered = response.statusCode >= 200 && response.statusCode < 300;
      return {
        delivered,
        statusCode: response.statusCode,
        ...(delivered ? {} : { error: `the receiver answered ${response.statusCode}` }),
        durationMs: elapsed(),
      };
    } catch (error) {
      return { delivered: false, error: describe(error), durationMs: elapsed() };
    }
  }

  /**
   * Ends the attempts in flight at once: each is recorded as failed and retried later (by any
   * instance), rather than holding the shutdown for as long as a slow receiver takes.
   */
  abortInFlight(): void {
    this.stopping.abort(new Error('the process is stopping'));
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** An IP literal is connected to without a lookup, so the guard checks it here. */
  private checkLiteralAddress(url: string): void {
    if (this.options.allowPrivateAddresses) return;
    const { hostname } = new URL(url);
    const address = literalAddress(hostname);
    if (address !== undefined && !isPublicAddress(address)) throw new RefusedAddressError(hostname, address);
  }
}

function describe(error: unknown): string {
  // undici wraps the socket's failure (the refused lookup among them) as the cause.
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const message = error instanceof Error ? `${error.message}${cause}` : String(error);
  return message.slice(0, MAX_ERROR_LENGTH);
}
