import type { Registry } from 'prom-client';
import type { Broker } from '../broker/broker.js';
import { createBroker, type BrokerSettings } from '../broker/create-broker.js';
import type { Logger } from '../observability/logger.js';
import type { ShutdownStep } from '../process/graceful-shutdown.js';
import { createEventDispatcher, type EventContracts, type EventHandlers } from './event-dispatcher.js';
import { IdempotentConsumer, type InboxDatabase, type InboxStatement } from './idempotent-consumer.js';
import { startInboxSweeper } from './inbox-sweeper.js';

/** One durable consumer (a RabbitMQ queue, a JetStream consumer) and the event types it takes. */
export interface Subscription {
  readonly consumer: string;
  readonly types: readonly string[];
}

export interface InboxConsumerOptions<Events, Tx extends InboxStatement> {
  readonly database: InboxDatabase<Tx>;
  /** The name the inbox records handled messages under: one per consuming process kind. */
  readonly inboxName: string;
  /** How long handled message ids are kept, against redeliveries. */
  readonly retentionHours: number;
  readonly broker: BrokerSettings;
  readonly subscriptions: readonly Subscription[];
  readonly contracts: EventContracts<Events>;
  readonly handlers: NoInfer<EventHandlers<Events, Tx>>;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Registers a step of the process's graceful shutdown. */
  readonly onShutdown: (step: ShutdownStep) => void;
}

/**
 * Takes the broker's events and applies each once through the inbox: the dispatcher checks each
 * message against its contract, the inbox records it in the handler's transaction, and a sweeper
 * forgets ids past the retention. Returns the broker, for the readiness probe. At shutdown the
 * broker stops delivering and waits for the messages in hand, then the sweeper stops.
 */
export async function consumeThroughInbox<Events, Tx extends InboxStatement>(
  options: InboxConsumerOptions<Events, Tx>,
): Promise<Broker> {
  const { logger, onShutdown } = options;
  const inbox = new IdempotentConsumer(options.database, options.inboxName);
  const sweeper = startInboxSweeper(inbox, options.retentionHours, logger);
  onShutdown({
    name: 'inbox sweeper',
    run: async () => {
      sweeper.stop();
    },
  });

  const broker = await createBroker(options.broker, logger);
  onShutdown({ name: 'broker', run: () => broker.close() });
  const dispatch = createEventDispatcher<Events, Tx>({
    contracts: options.contracts,
    handlers: options.handlers,
    inbox,
    logger,
    registry: options.registry,
  });
  for (const { consumer, types } of options.subscriptions) {
    await broker.subscribe(consumer, types, dispatch);
  }
  return broker;
}
