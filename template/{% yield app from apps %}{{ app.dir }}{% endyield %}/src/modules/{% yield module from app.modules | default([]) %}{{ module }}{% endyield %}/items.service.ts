import { ItemNotFoundError } from './items.errors.js';
import type { Item } from './items.model.js';
import type { ItemsRepository } from './items.repository.js';

/** How many items one list answer holds at most. */
export const MAX_ITEMS_LISTED = 100;

/** Business rules of the module's items. Knows neither HTTP nor SQL. */
export class ItemsService {
  constructor(private readonly items: ItemsRepository) {}

  create(ownerId: string, name: string): Promise<Item> {
    return this.items.insert({ ownerId, name: name.trim() });
  }

  async get(ownerId: string, id: string): Promise<Item> {
    const item = await this.items.findOwned(ownerId, id);
    if (item === null) throw new ItemNotFoundError();
    return item;
  }

  list(ownerId: string): Promise<Item[]> {
    return this.items.listOwned(ownerId, MAX_ITEMS_LISTED);
  }
}
