// The orders module's domain types, shared by its layers.

export type OrderStatus = 'placed' | 'cancelled';

export interface OrderItem {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

export interface Order {
  readonly id: string;
  readonly userId: string;
  readonly status: OrderStatus;
  /** Empty when the query did not ask for the items (see OrdersRepository.listByUser). */
  readonly items: readonly OrderItem[];
  readonly totalCents: number;
  readonly currency: string;
  readonly createdAt: Date;
}

export interface NewOrder {
  readonly userId: string;
  readonly items: readonly OrderItem[];
  readonly totalCents: number;
  readonly currency: string;
}

/** What a client orders: a product and how many. */
export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
}

/** An order as the API shows it: plain JSON, without the owner (always the caller). */
export interface OrderView {
  readonly id: string;
  readonly status: OrderStatus;
  readonly items: (OrderItem & { readonly lineTotalCents: number })[];
  readonly totalCents: number;
  readonly currency: string;
  readonly createdAt: string;
}

/** A product as the API shows it, with the currency its price is in. */
export interface ProductView {
  readonly sku: string;
  readonly name: string;
  readonly unitPriceCents: number;
  readonly currency: string;
}

/** The fields a list request may select with `fields=`. */
export const ORDER_FIELDS = ['id', 'status', 'items', 'totalCents', 'currency', 'createdAt'] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];

export interface OrderPage {
  /** Only the requested fields of each order. */
  readonly orders: Partial<OrderView>[];
  /** Pass it as `cursor` to get the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export function toOrderView(order: Order): OrderView {
  return {
    id: order.id,
    status: order.status,
    items: order.items.map((item) => ({ ...item, lineTotalCents: item.quantity * item.unitPriceCents })),
    totalCents: order.totalCents,
    currency: order.currency,
    createdAt: order.createdAt.toISOString(),
  };
}
