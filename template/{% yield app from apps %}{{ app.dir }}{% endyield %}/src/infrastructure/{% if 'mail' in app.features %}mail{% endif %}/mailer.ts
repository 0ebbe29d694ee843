export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Sends e-mail; modules depend on this interface, tests pass a fake. */
export interface Mailer {
  /** Resolves once the mail server has accepted the message. */
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** The mail server refused the message for good (SMTP 5xx): sending it again cannot help. */
export class MailRejectedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MailRejectedError';
  }
}
