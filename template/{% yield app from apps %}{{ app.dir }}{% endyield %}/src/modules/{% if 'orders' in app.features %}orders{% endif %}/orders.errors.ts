import { DomainError } from '#platform/errors/domain-error';

/** Also the answer for another user's order: whether an id exists is nobody else's business. */
export class OrderNotFoundError extends DomainError {
  constructor() {
    super('not_found', 'ORDER_NOT_FOUND', 'Order not found');
  }
}

export class UnknownProductError extends DomainError {
  constructor(sku: string) {
    super('validation', 'UNKNOWN_PRODUCT', `Unknown product "${sku}"`);
  }
}

export class DuplicateProductError extends DomainError {
  constructor(sku: string) {
    super('validation', 'DUPLICATE_PRODUCT', `Product "${sku}" appears twice: order it once with the total quantity`);
  }
}

export class OrderAlreadyCancelledError extends DomainError {
  constructor() {
    super('conflict', 'ORDER_ALREADY_CANCELLED', 'The order is already cancelled');
  }
}

export class InvalidCursorError extends DomainError {
  constructor() {
    super('validation', 'INVALID_CURSOR', 'The cursor is not one this API returned');
  }
}
