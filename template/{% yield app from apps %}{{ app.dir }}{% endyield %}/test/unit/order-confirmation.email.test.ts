import { describe, expect, it } from 'vitest';
import { renderOrderConfirmation } from '../../src/modules/notifications/order-confirmation.email.js';

const job = {
  to: 'ada@example.com',
  customerName: 'Ada <script>alert(1)</script>',
  order: {
    id: '3f2a9c10-0000-4000-8000-000000000000',
    items: [{ name: 'Node.js mug', quantity: 2, unitPriceCents: 1250 }],
    totalCents: 2500,
    currency: 'EUR',
    placedAt: '2030-01-01T10:00:00.000Z',
  },
};

describe('renderOrderConfirmation', () => {
  it('addresses the customer with the order reference, lines and total', () => {
    const mail = renderOrderConfirmation(job);

    expect(mail.to).toBe('ada@example.com');
    expect(mail.subject).toBe('Your order 3F2A9C10 is confirmed');
    expect(mail.text).toContain('placed on 2030-01-01');
    expect(mail.text).toContain('2 × Node.js mug: €25.00');
    expect(mail.text).toContain('Total: €25.00');
  });

  it('escapes what the customer wrote in the HTML version', () => {
    const { html } = renderOrderConfirmation(job);

    expect(html).toContain('Ada &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
  });
});
