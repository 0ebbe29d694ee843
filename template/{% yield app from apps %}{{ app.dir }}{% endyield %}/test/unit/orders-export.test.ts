import { describe, expect, it } from 'vitest';
import renderOrdersCsv from '../../src/modules/orders/orders-export.task.js';

const order = (name: string) => ({
  id: 'a5b2c3d4-0000-4000-8000-000000000001',
  status: 'placed',
  totalCents: 1005,
  currency: 'EUR',
  createdAt: '2030-01-01T10:00:00.000Z',
  items: [{ sku: 'X-1', name, quantity: 1, unitPriceCents: 1005 }],
});

const render = (orders: unknown[]) => renderOrdersCsv({ ordersJson: JSON.stringify(orders) }).split('\r\n');

describe('renderOrdersCsv', () => {
  it('writes a header, one line per item and amounts as decimals', () => {
    expect(render([order('Mug')])).toEqual([
      'order_id,created_at,status,sku,product,quantity,unit_price,line_total,order_total,currency',
      'a5b2c3d4-0000-4000-8000-000000000001,2030-01-01T10:00:00.000Z,placed,X-1,Mug,1,10.05,10.05,10.05,EUR',
      '',
    ]);
  });

  it('quotes fields holding separators, quotes or line breaks', () => {
    expect(render([order('Mug, "large"\nblue')])[1]).toContain(',"Mug, ""large""\nblue",');
  });

  it('defuses fields a spreadsheet would run as a formula', () => {
    expect(render([order('=HYPERLINK("http://evil.example")')])[1]).toContain(
      `,"'=HYPERLINK(""http://evil.example"")",`,
    );
    expect(render([order('@SUM(A1)')])[1]).toContain(",'@SUM(A1),");
  });

  it('writes only the header when there are no orders', () => {
    expect(render([])).toHaveLength(2);
  });
});
