import type { JobQueue } from '../../infrastructure/jobs/jobs.js';
import type { OrderPlaced } from '../../shared/events.js';
import type { NotificationJobs } from './notifications.jobs.js';

/** Who to write to about an order. */
export interface Recipient {
  readonly email: string;
  readonly name: string;
}

/**
 * Finds the recipient of an order's notifications: looked up by the users module in one process,
 * carried by the event where it crossed a broker (the module's index says which).
 */
export type RecipientOf = (event: OrderPlaced) => Promise<Recipient>;

/**
 * Decides which notifications an event calls for, and queues them. Knows neither HTTP nor SQL,
 * nor where the events come from: they arrive already checked against their contract.
 */
export class NotificationsService {
  constructor(
    private readonly recipientOf: RecipientOf,
    private readonly queue: JobQueue<NotificationJobs>,
  ) {}

  /** Queues the confirmation e-mail; sending it is the job's business, with its retries. */
  async onOrderPlaced(event: OrderPlaced): Promise<void> {
    const recipient = await this.recipientOf(event);
    await this.queue.add(
      'order-confirmation',
      {
        to: recipient.email,
        customerName: recipient.name,
        order: {
          id: event.orderId,
          items: event.items.map(({ name, quantity, unitPriceCents }) => ({ name, quantity, unitPriceCents })),
          totalCents: event.totalCents,
          currency: event.currency,
          placedAt: event.placedAt,
        },
      },
      // One confirmation per order, even if the event were delivered twice.
      { id: `order-confirmation-${event.orderId}` },
    );
  }
}
