export type Outcome = 'handled' | 'duplicate';

/** A statement's effect: how many rows it changed. */
export interface InboxStatement {
  query(sql: string, params?: readonly unknown[]): Promise<{ readonly rowCount: number }>;
}

/**
 * What the inbox needs of the deployable's database: statements, and a transaction whose handle
 * (`Tx`, the deployable's own type) is passed on to the handlers, so they write through it.
 */
export interface InboxDatabase<Tx extends InboxStatement> extends InboxStatement {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}

/**
 * Applies each message at most once per consumer, however often the broker delivers it.
 *
 * The message id is recorded in the same transaction as the handler's work (handlers that write
 * to the database do so through `tx`): if the handler
 * throws, the record rolls back with it and the redelivery runs the handler again; once it has
 * committed, every later delivery is a duplicate. A second delivery arriving while the first is
 * still running waits on the primary key, then finds it taken.
 */
export class IdempotentConsumer<Tx extends InboxStatement = InboxStatement> {
  constructor(
    private readonly database: InboxDatabase<Tx>,
    private readonly consumer: string,
  ) {}

  async handleOnce(messageId: string, work: (tx: Tx) => Promise<void>): Promise<Outcome> {
    return this.database.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        'INSERT INTO processed_messages (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [this.consumer, messageId],
      );
      if (rowCount === 0) return 'duplicate';
      await work(tx);
      return 'handled';
    });
  }

  /** Forgets ids older than the retention: long after any redelivery could still arrive. */
  async sweep(retentionHours: number): Promise<number> {
    const { rowCount } = await this.database.query(
      'DELETE FROM processed_messages WHERE consumer = $1 AND processed_at < now() - make_interval(hours => $2)',
      [this.consumer, retentionHours],
    );
    return rowCount;
  }
}
