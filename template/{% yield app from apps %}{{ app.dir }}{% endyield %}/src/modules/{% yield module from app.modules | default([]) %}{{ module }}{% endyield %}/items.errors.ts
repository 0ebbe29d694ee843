import { DomainError } from '#platform/errors/domain-error';

/** Also the answer for another user's item: whether an id exists is nobody else's business. */
export class ItemNotFoundError extends DomainError {
  constructor() {
    super('not_found', 'ITEM_NOT_FOUND', 'Item not found');
  }
}
