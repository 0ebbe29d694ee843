// Runs in a worker thread of the CPU pool (see infrastructure/cpu/cpu-pool.ts): parsing thousands
// of orders and building the CSV would otherwise block the event loop, and every request with it.
// Keep this module free of I/O and of imports of the application: a thread loads it alone.
import { stringify } from 'csv-stringify/sync';

export interface ExportInput {
  /** The orders as PostgreSQL wrote them (OrdersRepository.exportJson). */
  readonly ordersJson: string;
}

interface ExportedOrder {
  readonly id: string;
  readonly status: string;
  readonly totalCents: number;
  readonly currency: string;
  readonly createdAt: string;
  readonly items: readonly { sku: string; name: string; quantity: number; unitPriceCents: number }[];
}

const HEADER = [
  'order_id',
  'created_at',
  'status',
  'sku',
  'product',
  'quantity',
  'unit_price',
  'line_total',
  'order_total',
  'currency',
];

/** One line per order item (RFC 4180 CSV, CRLF line breaks, amounts as decimals). */
export default function renderOrdersCsv({ ordersJson }: ExportInput): string {
  const orders = JSON.parse(ordersJson) as ExportedOrder[];
  const rows = orders.flatMap((order) =>
    order.items.map((item) => [
      order.id,
      order.createdAt,
      order.status,
      item.sku,
      item.name,
      String(item.quantity),
      decimal(item.unitPriceCents),
      decimal(item.quantity * item.unitPriceCents),
      decimal(order.totalCents),
      order.currency,
    ]),
  );
  return stringify([HEADER, ...rows], {
    record_delimiter: 'windows',
    // Any line break in a field is quoted, not only CRLF: spreadsheets split rows on a lone \n too.
    quote_record_delimiter: true,
    // Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading quote: CSV injection.
    escape_formulas: true,
  });
}

function decimal(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
