// Public interface of the notifications module: the rest of the application imports from here only.
import type { EventSubscriber } from '../../infrastructure/events/event-bus.js';
import type { JobRuntime } from '../../infrastructure/jobs/jobs.js';
import type { Mailer } from '../../infrastructure/mail/mailer.js';
import type { DomainEvents } from '../../shared/events.js';
import { NOTIFICATIONS_QUEUE, type NotificationJobs } from './notifications.jobs.js';
import { createNotificationJobHandlers } from './notifications.processor.js';
import { NotificationsService, type RecipientDirectory } from './notifications.service.js';

export { NOTIFICATIONS_QUEUE } from './notifications.jobs.js';
export type { RecipientDirectory } from './notifications.service.js';

export interface NotificationsModuleOptions {
  readonly events: EventSubscriber<DomainEvents>;
  readonly jobs: JobRuntime;
  readonly recipients: RecipientDirectory;
}

/** Subscribes to the events that call for a notification. The module has no HTTP routes. */
export function createNotificationsModule(options: NotificationsModuleOptions): void {
  const service = new NotificationsService(
    options.recipients,
    options.jobs.queue<NotificationJobs>(NOTIFICATIONS_QUEUE),
  );
  options.events.subscribe('order.placed', (event) => service.onOrderPlaced(event));
}

/** Starts running the notification jobs in this process (the worker, or the API without Redis). */
export function runNotificationJobs(jobs: JobRuntime, mailer: Mailer): void {
  jobs.process<NotificationJobs>(NOTIFICATIONS_QUEUE, createNotificationJobHandlers(mailer));
}
