import type { Mail } from '../../infrastructure/mail/mailer.js';
import type { OrderConfirmationJob } from './notifications.jobs.js';

/** The confirmation e-mail of an order, as plain text and HTML. */
export function renderOrderConfirmation(job: OrderConfirmationJob): Mail {
  const { order } = job;
  const money = (cents: number) => formatMoney(cents, order.currency);
  const reference = order.id.slice(0, 8).toUpperCase();
  const lines = order.items.map((item) => ({
    label: `${item.quantity} × ${item.name}`,
    amount: money(item.quantity * item.unitPriceCents),
  }));

  const text = [
    `Hello ${job.customerName},`,
    '',
    `Thank you for your order ${reference}, placed on ${order.placedAt.slice(0, 10)}.`,
    '',
    ...lines.map(({ label, amount }) => `  ${label}: ${amount}`),
    '',
    `Total: ${money(order.totalCents)}`,
  ].join('\n');

  const rows = lines
    .map(({ label, amount }) => `<tr><td>${escapeHtml(label)}</td><td align="right">${escapeHtml(amount)}</td></tr>`)
    .join('');
  const html =
    `<p>Hello ${escapeHtml(job.customerName)},</p>` +
    `<p>Thank you for your order <strong>${reference}</strong>, placed on ${escapeHtml(order.placedAt.slice(0, 10))}.</p>` +
    `<table>${rows}<tr><th align="left">Total</th><th align="right">${escapeHtml(money(order.totalCents))}</th></tr></table>`;

  return { to: job.to, subject: `Your order ${reference} is confirmed`, text, html };
}

function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);
}

// Names come from users: in HTML they must stay text, never markup.
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}
