// Public interface of the webhooks module: the rest of the application imports from here only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import type { Database } from '#platform/database/database';
import type { Logger } from '#platform/observability/logger';
import type { WebhooksConfig } from '../../infrastructure/config/webhooks.js';
import type { EventSubscriber } from '../../infrastructure/events/event-bus.js';
import type { DomainEvents } from '../../shared/events.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { registerWebhookMetrics } from './webhook-metrics.js';
import { WebhookSender } from './webhook-sender.js';
import { WEBHOOK_EVENT_TYPES } from './webhooks.model.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { webhooksRoutes } from './webhooks.routes.js';
import { WebhooksService } from './webhooks.service.js';

export interface WebhooksModuleOptions {
  readonly database: Database;
  readonly events: EventSubscriber<DomainEvents>;
  readonly config: WebhooksConfig;
  readonly logger: Logger;
  readonly metricsRegistry: Registry;
}

export interface WebhooksModule {
  /** The HTTP routes; register them with the API version as prefix. */
  readonly routes: FastifyPluginAsyncTypebox;
  /** Starts sending the due deliveries (once the server listens). */
  start(): void;
  /** Ends the attempts in flight (recorded, to be retried), then stops sending. */
  stop(): Promise<void>;
}

/**
 * Subscribes to the order events and records a delivery for each subscription of the order's
 * customer that wants the event, keyed on the event's id (the outbox delivers at least once); the
 * dispatcher then sends them.
 */
export function createWebhooksModule(options: WebhooksModuleOptions): WebhooksModule {
  const { database, config, logger } = options;
  const repository = new WebhooksRepository(database);
  const service = new WebhooksService(repository, config);
  const sender = new WebhookSender(config);
  const dispatcher = new WebhookDispatcher({
    repository,
    sender,
    logger,
    config,
    onAttempt: registerWebhookMetrics(options.metricsRegistry, database),
  });

  for (const eventType of WEBHOOK_EVENT_TYPES) {
    options.events.subscribe(eventType, async (event, { eventId }) => {
      const recorded = await service.recordEvent({ eventId, eventType, userId: event.userId, payload: event });
      if (recorded > 0) dispatcher.wake();
    });
  }

  return {
    routes: async (app) => {
      await app.register(webhooksRoutes, { service });
    },
    start: () => {
      dispatcher.start();
    },
    stop: async () => {
      sender.abortInFlight();
      await dispatcher.stop();
      await sender.close();
    },
  };
}
