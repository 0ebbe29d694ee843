import type { OutboxEvent } from '../../infrastructure/outbox/outbox.js';
import type { Order } from './orders.model.js';

/**
 * `order.cancelled`, raised in the cancelling transaction: the moment is this process's clock, as
 * for the cancel itself. Every preset's event carries the same three fields.
 */
export function orderCancelled(order: Order): OutboxEvent {
  return {
    type: 'order.cancelled',
    payload: { orderId: order.id, userId: order.userId, cancelledAt: new Date().toISOString() },
  };
}
