import { createTransport } from 'nodemailer';
import type { Logger } from '#platform/observability/logger';
import type { Config } from '../config/config.js';
import { MailRejectedError, type Mailer } from './mailer.js';

/**
 * SMTP through nodemailer when SMTP_URL is set. Otherwise nodemailer builds the message as usual
 * but hands it to its JSON transport, and the recipient and subject are logged: development and
 * tests exercise the same code without a mail server, and nothing leaves the machine.
 */
export function createMailer(config: Config['mail'], logger: Logger): Mailer {
  const transport =
    config.smtpUrl === undefined ? createTransport({ jsonTransport: true }) : createTransport(config.smtpUrl);
  const logOnly = config.smtpUrl === undefined;
  if (logOnly) logger.info('SMTP_URL is not set: e-mails are written to the log instead of being sent');

  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({ from: config.from, ...mail });
        const fields = { to: mail.to, subject: mail.subject, messageId: info.messageId };
        if (logOnly) logger.info(fields, 'mail not sent (SMTP_URL is not set), logged instead');
        else logger.info(fields, 'mail sent');
      } catch (error) {
        const responseCode = (error as { responseCode?: number }).responseCode;
        if (responseCode !== undefined && responseCode >= 500) {
          throw new MailRejectedError(`the mail server rejected the message (${responseCode})`, { cause: error });
        }
        throw error; // connection failures and 4xx answers are worth retrying
      }
    },
    close() {
      transport.close();
    },
  };
}
