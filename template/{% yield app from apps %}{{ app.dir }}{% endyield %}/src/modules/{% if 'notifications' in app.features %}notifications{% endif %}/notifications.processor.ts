import { PermanentJobError, type JobHandlers } from '../../infrastructure/jobs/jobs.js';
import { MailRejectedError, type Mailer } from '../../infrastructure/mail/mailer.js';
import type { NotificationJobs } from './notifications.jobs.js';
import { renderOrderConfirmation } from './order-confirmation.email.js';

/**
 * Runs the notification jobs: in the worker process with Redis, in the API process without.
 * A failure is retried with backoff (a mail server down for a moment), except a rejection by the
 * mail server, which no retry would change.
 */
export function createNotificationJobHandlers(mailer: Mailer): JobHandlers<NotificationJobs> {
  return {
    'order-confirmation': async (job) => {
      try {
        await mailer.send(renderOrderConfirmation(job));
      } catch (error) {
        if (error instanceof MailRejectedError) throw new PermanentJobError(error.message, { cause: error });
        throw error;
      }
    },
  };
}
