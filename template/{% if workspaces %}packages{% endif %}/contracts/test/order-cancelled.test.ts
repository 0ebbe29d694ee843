import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, InvalidEventError, parseEvent, type OrderCancelled } from '../src/index.js';

const cancelled: OrderCancelled = {
  orderId: '0b9e4a40-5f5e-4a55-9d1c-0f3f1b7c2a11',
  userId: '5d3c8f0e-2b9a-4c1e-8f6d-7a2b3c4d5e6f',
  cancelledAt: '2030-01-01T00:05:00.000Z',
};

describe('the order.cancelled contract', () => {
  it('is one of the event types', () => {
    expect(EVENT_TYPES).toEqual(['order.placed', 'order.cancelled']);
  });

  it('checks order.cancelled against its own schema', () => {
    expect(parseEvent('order.cancelled', cancelled)).toEqual(cancelled);
    expect(() => parseEvent('order.cancelled', { ...cancelled, cancelledAt: 'yesterday' })).toThrow(InvalidEventError);
  });
});
