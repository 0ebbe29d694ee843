-- Orders of the orders module, and their lines. Amounts are integer cents: no rounding, ever.
-- created_at is kept to the millisecond, the precision of the API's timestamps, so the list's
-- cursor (created_at, id) round-trips exactly.
CREATE TABLE orders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  status text NOT NULL DEFAULT 'placed',
  total_cents integer NOT NULL,
  currency char(3) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT orders_status_known CHECK (status IN ('placed', 'cancelled')),
  CONSTRAINT orders_total_not_negative CHECK (total_cents >= 0)
);

-- Every order query filters on user_id; the list pages through it newest first, by (created_at, id).
-- This one index serves the single-order lookup's ownership check, the keyset pagination and the export.
CREATE INDEX orders_user_id_created_at_id_idx ON orders (user_id, created_at DESC, id DESC);

CREATE TABLE order_items (
  order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line smallint NOT NULL,
  sku text NOT NULL,
  name text NOT NULL,
  quantity integer NOT NULL,
  unit_price_cents integer NOT NULL,
  -- The primary key's index serves "the items of these orders", ordered by line.
  PRIMARY KEY (order_id, line),
  CONSTRAINT order_items_quantity_positive CHECK (quantity > 0),
  CONSTRAINT order_items_price_not_negative CHECK (unit_price_cents >= 0)
);
