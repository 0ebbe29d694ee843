import { DomainError } from '#platform/errors/domain-error';

/** Also the answer for another user's subscription: whether an id exists is nobody else's business. */
export class WebhookNotFoundError extends DomainError {
  constructor() {
    super('not_found', 'WEBHOOK_NOT_FOUND', 'Webhook subscription not found');
  }
}

export class WebhookUrlRefusedError extends DomainError {
  constructor(reason: string) {
    super('validation', 'WEBHOOK_URL_REFUSED', reason);
  }
}

export class WebhookLimitReachedError extends DomainError {
  constructor(max: number) {
    super('conflict', 'WEBHOOK_LIMIT_REACHED', `A user has at most ${max} webhook subscriptions: delete one first`);
  }
}
