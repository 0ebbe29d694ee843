import { randomBytes, randomUUID } from 'node:crypto';
import { WebhookLimitReachedError, WebhookNotFoundError, WebhookUrlRefusedError } from './webhooks.errors.js';
import type { WebhookDelivery, WebhookEventType, WebhookSubscription } from './webhooks.model.js';
import type { WebhooksRepository } from './webhooks.repository.js';
import { whyUrlIsRefused, type UrlPolicy } from './webhook-url.js';

/** How many of a subscription's latest deliveries its delivery log shows. */
export const DELIVERY_LOG_SIZE = 50;
/** Subscriptions per user: their list is short enough to return whole, and each event fans out to few. */
export const MAX_SUBSCRIPTIONS_PER_USER = 20;

export interface NewSubscription {
  readonly url: string;
  readonly eventTypes: readonly WebhookEventType[];
}

/** Subscriptions per user, and which deliveries an event calls for. */
export class WebhooksService {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly urlPolicy: UrlPolicy,
  ) {}

  /** The subscription, and its signing secret: shown this once, stored only to sign with. */
  async subscribe(userId: string, request: NewSubscription): Promise<WebhookSubscription & { secret: string }> {
    const refused = whyUrlIsRefused(request.url, this.urlPolicy);
    if (refused !== undefined) throw new WebhookUrlRefusedError(refused);
    // The Standard Webhooks secret format: whsec_ and 24 to 64 random bytes in base64.
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const subscription = await this.repository.createSubscription(
      { id: randomUUID(), userId, url: request.url, eventTypes: [...new Set(request.eventTypes)], secret },
      MAX_SUBSCRIPTIONS_PER_USER,
    );
    if (subscription === undefined) throw new WebhookLimitReachedError(MAX_SUBSCRIPTIONS_PER_USER);
    return { ...subscription, secret };
  }

  subscriptionsOf(userId: string): Promise<WebhookSubscription[]> {
    return this.repository.subscriptionsOf(userId);
  }

  async unsubscribe(userId: string, id: string): Promise<void> {
    if (!(await this.repository.deleteSubscription(userId, id))) throw new WebhookNotFoundError();
  }

  async deliveries(userId: string, id: string): Promise<WebhookDelivery[]> {
    if (!(await this.repository.ownsSubscription(userId, id))) throw new WebhookNotFoundError();
    return this.repository.listDeliveries(id, DELIVERY_LOG_SIZE);
  }

  /** Records a delivery of the event for each subscription of its user that wants it; how many. */
  recordEvent(event: {
    readonly eventId: string;
    readonly eventType: WebhookEventType;
    readonly userId: string;
    readonly payload: unknown;
  }): Promise<number> {
    return this.repository.recordDeliveries(event);
  }
}
