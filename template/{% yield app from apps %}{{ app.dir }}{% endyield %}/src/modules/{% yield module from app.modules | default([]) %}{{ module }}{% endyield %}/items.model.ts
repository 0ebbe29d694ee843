// The module's domain types, shared by its three layers.

/** An item, owned by the user who created it. */
export interface Item {
  readonly id: string;
  readonly ownerId: string;
  readonly name: string;
  readonly createdAt: Date;
}

export interface NewItem {
  readonly ownerId: string;
  readonly name: string;
}
