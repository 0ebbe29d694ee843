import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/modules/orders/orders.cursor.js';

describe('order cursors', () => {
  it('round-trip the sort key of an order, to the millisecond', () => {
    const cursor = { createdAt: new Date('2030-01-01T10:00:00.123Z'), id: '3f2a9c10-0000-4000-8000-000000000000' };

    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['garbage', 'garbage'],
    ['a bad id', Buffer.from('1700000000000.not-a-uuid').toString('base64url')],
    ['a bad time', Buffer.from('yesterday.3f2a9c10-0000-4000-8000-000000000000').toString('base64url')],
    ['extra parts', Buffer.from('1.3f2a9c10-0000-4000-8000-000000000000.x').toString('base64url')],
  ])('are refused when they hold %s', (_case, value) => {
    expect(decodeCursor(value)).toBeUndefined();
  });
});
