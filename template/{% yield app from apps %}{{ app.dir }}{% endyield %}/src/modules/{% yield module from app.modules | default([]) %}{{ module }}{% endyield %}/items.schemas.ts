import { Type, type Static } from 'typebox';
import { PlainText } from '#platform/http/plain-text.schema';

// HTTP contract of the module: what clients send and receive. Request schemas validate every input;
// response schemas let Fastify serialize quickly and never send an unlisted field.

export const CreateItemBody = Type.Object(
  { name: PlainText({ minLength: 1, maxLength: 200, examples: ['Blue widget'] }) },
  { additionalProperties: false },
);
export type CreateItemBody = Static<typeof CreateItemBody>;

export const ItemIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ItemResponse = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { title: 'Item' },
);
export type ItemResponse = Static<typeof ItemResponse>;

export const ItemListResponse = Type.Object({ items: Type.Array(ItemResponse) });
