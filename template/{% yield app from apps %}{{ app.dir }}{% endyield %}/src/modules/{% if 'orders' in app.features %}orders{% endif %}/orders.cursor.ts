// The list's cursor: the sort key of the last order of a page, (createdAt, id), opaque to clients.
// Keyset pagination stays fast on any page, unlike OFFSET, and never skips or repeats an order
// when new ones arrive between two requests.

export interface OrderCursor {
  readonly createdAt: Date;
  readonly id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(cursor: OrderCursor): string {
  return Buffer.from(`${cursor.createdAt.getTime()}.${cursor.id}`).toString('base64url');
}

/** The cursor, or undefined when `value` is not one encodeCursor produced. */
export function decodeCursor(value: string): OrderCursor | undefined {
  const [time = '', id = '', ...rest] = Buffer.from(value, 'base64url').toString().split('.');
  const createdAt = new Date(Number(time));
  if (rest.length > 0 || !/^\d{1,15}$/.test(time) || !UUID.test(id)) return undefined;
  return { createdAt, id };
}
