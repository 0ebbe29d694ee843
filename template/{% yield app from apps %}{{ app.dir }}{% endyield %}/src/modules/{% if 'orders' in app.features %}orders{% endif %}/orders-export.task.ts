// Runs in a worker thread of the CPU pool (see infrastructure/cpu/cpu-pool.ts): parsing thousands
// of orders and building the CSV would otherwise block the event loop, and every request with it.
// Keep this module free of I/O and of imports of the application: a thread loads it alone.

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
  const lines = [HEADER.join(',')];
  for (const order of orders) {
    for (const item of order.items) {
      lines.push(
        [
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
        ]
          .map(csvField)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

function decimal(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/**
 * Quotes a field when it holds a separator, a quote or a line break, and defuses text a
 * spreadsheet would run as a formula (=, +, -, @ first): CSV injection.
 */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
