import { describe, expect, it } from 'vitest';
import {
  EVENT_SCHEMAS,
  EVENT_TYPES,
  InvalidEventError,
  isEventType,
  parseEvent,
  type OrderPlaced,
} from '../src/index.js';

const placed: OrderPlaced = {
  orderId: '0b9e4a40-5f5e-4a55-9d1c-0f3f1b7c2a11',
  userId: '5d3c8f0e-2b9a-4c1e-8f6d-7a2b3c4d5e6f',
  customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
  items: [{ sku: 'BOOK-SRE', name: 'Site Reliability Engineering', quantity: 2, unitPriceCents: 3990 }],
  totalCents: 7980,
  currency: 'EUR',
  placedAt: '2026-11-27T10:00:00.000Z',
};

describe('event contracts', () => {
  it('accepts a valid order.placed payload as it is', () => {
    expect(parseEvent('order.placed', placed)).toEqual(placed);
  });

  it('names every problem of an invalid payload', () => {
    const invalid = { ...placed, customer: { email: 'not-an-address', name: '' }, items: [] };
    expect(() => parseEvent('order.placed', invalid)).toThrow(InvalidEventError);
    try {
      parseEvent('order.placed', invalid);
    } catch (error) {
      const message = (error as InvalidEventError).message;
      expect(message).toContain('/customer/email');
      expect(message).toContain('/items');
    }
  });

  it('refuses fields the schema does not know, so a typo never passes silently', () => {
    expect(() => parseEvent('order.placed', { ...placed, totalcents: 1 })).toThrow(InvalidEventError);
  });

  it('knows which event types exist', () => {
    expect(EVENT_TYPES).toEqual(Object.keys(EVENT_SCHEMAS));
    expect(EVENT_TYPES).toContain('order.placed');
    expect(isEventType('order.placed')).toBe(true);
    expect(isEventType('order.shipped')).toBe(false);
  });
});
