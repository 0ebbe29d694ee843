import type { JobQueue } from '../../infrastructure/jobs/jobs.js';
import type { OrderPlaced } from '../../shared/events.js';
import type { NotificationJobs } from './notifications.jobs.js';

/** Who to write to; the users module's service provides it (wired in app.ts). */
export interface RecipientDirectory {
  getById(userId: string): Promise<{ readonly email: string; readonly name: string }>;
}

/** Decides which notifications an event calls for, and queues them. Knows neither HTTP nor SQL. */
export class NotificationsService {
  constructor(
    private readonly recipients: RecipientDirectory,
    private readonly queue: JobQueue<NotificationJobs>,
  ) {}

  /** Queues the confirmation e-mail; sending it is the job's business, with its retries. */
  async onOrderPlaced(event: OrderPlaced): Promise<void> {
    const recipient = await this.recipients.getById(event.userId);
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
