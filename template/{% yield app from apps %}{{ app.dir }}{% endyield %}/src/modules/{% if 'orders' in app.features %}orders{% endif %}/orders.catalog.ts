// The products customers can order, with their prices. Prices come from here, never from the
// client: an order only names products and quantities. A real shop moves this to a products
// module with its own table; the orders service would then ask it through its public interface.

export const CURRENCY = 'EUR';

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly unitPriceCents: number;
}

/** In the order customers see them. */
export const PRODUCTS: readonly Product[] = [
  { sku: 'BOOK-DDIA', name: 'Designing Data-Intensive Applications', unitPriceCents: 4590 },
  { sku: 'BOOK-SRE', name: 'Site Reliability Engineering', unitPriceCents: 3990 },
  { sku: 'MUG-NODE', name: 'Node.js mug', unitPriceCents: 1250 },
  { sku: 'SHIRT-TS', name: 'TypeScript T-shirt', unitPriceCents: 2200 },
  { sku: 'STICKERS', name: 'Sticker pack', unitPriceCents: 500 },
];

export const CATALOG: ReadonlyMap<string, Product> = new Map(PRODUCTS.map((product) => [product.sku, product]));
