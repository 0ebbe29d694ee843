import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/infrastructure/events/event-bus.js';
import { captureLogs } from '../helpers/logs.js';

interface TestEvents {
  'thing.happened': { id: string };
  'other.thing': { count: number };
}

describe('createEventBus', () => {
  it('delivers a payload to every subscriber of its event, and only of its event', async () => {
    const bus = createEventBus<TestEvents>(captureLogs().logger);
    const received: string[] = [];
    bus.subscribe('thing.happened', async ({ id }) => {
      received.push(`first:${id}`);
    });
    bus.subscribe('thing.happened', async ({ id }) => {
      received.push(`second:${id}`);
    });
    bus.subscribe('other.thing', async () => {
      received.push('other');
    });

    await bus.publish('thing.happened', { id: 'a1' });

    expect(received).toEqual(['first:a1', 'second:a1']);
  });

  it('resolves once the handlers have finished', async () => {
    const bus = createEventBus<TestEvents>(captureLogs().logger);
    let finished = false;
    bus.subscribe('thing.happened', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      finished = true;
    });

    await bus.publish('thing.happened', { id: 'a1' });

    expect(finished).toBe(true);
  });

  it('logs a failing handler without failing the publisher or the other handlers', async () => {
    const { logger, lines } = captureLogs();
    const bus = createEventBus<TestEvents>(logger);
    const received: number[] = [];
    bus.subscribe('other.thing', () => Promise.reject(new Error('subscriber broke')));
    bus.subscribe('other.thing', async ({ count }) => {
      received.push(count);
    });

    await expect(bus.publish('other.thing', { count: 3 })).resolves.toBeUndefined();

    expect(received).toEqual([3]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'event handler failed', event: 'other.thing' }),
    );
  });

  it('accepts an event nobody listens to', async () => {
    await expect(
      createEventBus<TestEvents>(captureLogs().logger).publish('thing.happened', { id: 'x' }),
    ).resolves.toBeUndefined();
  });
});
