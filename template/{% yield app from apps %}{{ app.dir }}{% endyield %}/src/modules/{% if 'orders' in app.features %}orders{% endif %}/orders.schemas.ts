import { Type, type Static } from 'typebox';
import { PlainText } from '#platform/http/plain-text.schema';
import { ORDER_FIELDS } from './orders.model.js';

// HTTP contract of the orders module. Amounts are integer cents in the order's currency.

export const PlaceOrderBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          sku: Type.String({ pattern: '^[A-Z0-9-]{1,32}$', examples: ['BOOK-DDIA'] }),
          quantity: Type.Integer({ minimum: 1, maximum: 100, examples: [2] }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50, description: 'One entry per product, 1 to 50 products' },
    ),
  },
  { additionalProperties: false },
);
export type PlaceOrderBody = Static<typeof PlaceOrderBody>;

export const OrderIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const FIELD = `(${ORDER_FIELDS.join('|')})`;

/** The page size when a request does not choose one. */
export const DEFAULT_PAGE_SIZE = 20;

export const ListOrdersQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_PAGE_SIZE, description: 'Page size, 1 to 100' }),
    ),
    cursor: Type.Optional(
      PlainText({ minLength: 1, maxLength: 200, description: 'The `nextCursor` of the previous page' }),
    ),
    fields: Type.Optional(
      Type.String({
        pattern: `^${FIELD}(,${FIELD})*$`,
        maxLength: 200,
        description: `Comma-separated fields to return: ${ORDER_FIELDS.join(', ')} (default: all)`,
        examples: ['id,totalCents,createdAt'],
      }),
    ),
  },
  { additionalProperties: false },
);
export type ListOrdersQuery = Static<typeof ListOrdersQuery>;

const OrderItemResponse = Type.Object({
  sku: Type.String(),
  name: Type.String(),
  quantity: Type.Integer(),
  unitPriceCents: Type.Integer(),
  lineTotalCents: Type.Integer(),
});

const orderProperties = {
  id: Type.String({ format: 'uuid' }),
  status: Type.Enum(['placed', 'cancelled']),
  items: Type.Array(OrderItemResponse),
  totalCents: Type.Integer(),
  currency: Type.String({ examples: ['EUR'] }),
  createdAt: Type.String({ format: 'date-time' }),
};

export const OrderResponse = Type.Object(orderProperties, { title: 'Order' });
export type OrderResponse = Static<typeof OrderResponse>;

export const OrderPageResponse = Type.Object(
  {
    orders: Type.Array(Type.Partial(Type.Object(orderProperties)), { description: 'Newest first' }),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page' }),
  },
  { title: 'OrderPage' },
);

export const ProductListResponse = Type.Object(
  {
    products: Type.Array(
      Type.Object({
        sku: Type.String({ examples: ['BOOK-DDIA'] }),
        name: Type.String(),
        unitPriceCents: Type.Integer(),
        currency: Type.String({ examples: ['EUR'] }),
      }),
    ),
  },
  { title: 'ProductList' },
);
export type ProductListResponse = Static<typeof ProductListResponse>;

export const NotModified = Type.Null({ description: 'Not modified: the ETag in If-None-Match is current' });

export const OrdersCsv = {
  description: 'CSV, one line per order item, newest orders first',
  content: { 'text/csv': { schema: Type.String() } },
};
