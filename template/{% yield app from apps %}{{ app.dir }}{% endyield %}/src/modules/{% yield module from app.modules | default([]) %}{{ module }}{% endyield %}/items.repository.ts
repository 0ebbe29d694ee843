import type { Queryable } from '#platform/database/database';
import type { Item, NewItem } from './items.model.js';
import { MODULE_NAME } from './module-name.js';

export interface ItemsRepository {
  insert(item: NewItem): Promise<Item>;
  /** The owner's item, or null when there is none with this id or another user owns it. */
  findOwned(ownerId: string, id: string): Promise<Item | null>;
  /** The owner's newest items first, at most `limit`. */
  listOwned(ownerId: string, limit: number): Promise<Item[]>;
}

interface ItemRow extends Record<string, unknown> {
  id: string;
  owner_id: string;
  name: string;
  created_at: Date;
}

// The module's table bears its name (its migration creates it).
const TABLE = MODULE_NAME;
// Explicit columns: a new column is never fetched (or leaked) by accident.
const COLUMNS = 'id, owner_id, name, created_at';

export class SqlItemsRepository implements ItemsRepository {
  constructor(private readonly db: Queryable) {}

  async insert(item: NewItem): Promise<Item> {
    const { rows } = await this.db.query<ItemRow>(
      `INSERT INTO ${TABLE} (owner_id, name) VALUES ($1, $2) RETURNING ${COLUMNS}`,
      [item.ownerId, item.name],
    );
    const [row] = rows;
    if (row === undefined) throw new Error(`INSERT INTO ${TABLE} returned no row`);
    return toItem(row);
  }

  async findOwned(ownerId: string, id: string): Promise<Item | null> {
    const sql = `SELECT ${COLUMNS} FROM ${TABLE} WHERE id = $1 AND owner_id = $2`;
    const { rows } = await this.db.query<ItemRow>(sql, [id, ownerId]);
    return rows[0] === undefined ? null : toItem(rows[0]);
  }

  async listOwned(ownerId: string, limit: number): Promise<Item[]> {
    const { rows } = await this.db.query<ItemRow>(
      `SELECT ${COLUMNS} FROM ${TABLE} WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [ownerId, limit],
    );
    return rows.map(toItem);
  }
}

function toItem(row: ItemRow): Item {
  return { id: row.id, ownerId: row.owner_id, name: row.name, createdAt: row.created_at };
}
