// The jobs of the notifications module: queued by NotificationsService, run by the processor.
// Job data is plain JSON, complete enough to render the mail without reading the database.

export const NOTIFICATIONS_QUEUE = 'notifications';

export interface OrderConfirmationJob {
  readonly to: string;
  readonly customerName: string;
  readonly order: {
    readonly id: string;
    readonly items: readonly { readonly name: string; readonly quantity: number; readonly unitPriceCents: number }[];
    readonly totalCents: number;
    readonly currency: string;
    readonly placedAt: string;
  };
}

/** Job name → data, for the typed queue and handlers. */
export interface NotificationJobs {
  'order-confirmation': OrderConfirmationJob;
}
