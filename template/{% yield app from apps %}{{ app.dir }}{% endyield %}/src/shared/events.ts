/**
 * The events modules publish and subscribe to, by name, with their payloads: the contract between
 * modules. Payloads are plain JSON-serialisable data (no Date, no class instances), so the same
 * contract holds when a later preset carries them over a message broker instead of in process.
 */
export interface DomainEvents {
  'order.placed': OrderPlaced;
}

export interface OrderPlaced {
  readonly orderId: string;
  readonly userId: string;
  readonly items: readonly {
    readonly sku: string;
    readonly name: string;
    readonly quantity: number;
    readonly unitPriceCents: number;
  }[];
  readonly totalCents: number;
  readonly currency: string;
  /** ISO 8601 timestamp. */
  readonly placedAt: string;
}
