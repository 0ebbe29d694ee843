import { describe, expect, it } from 'vitest';
import { CrashTracker } from '../../src/infrastructure/process/restart-policy.js';

const policy = { initialDelayMs: 100, maxDelayMs: 1000, maxCrashes: 5, windowMs: 60_000 };

describe('CrashTracker', () => {
  it('replaces crashed workers with a delay that doubles, up to a cap', () => {
    const tracker = new CrashTracker(policy);

    const delays = [0, 1, 2, 3, 4].map((second) => tracker.recordCrash(second * 1000));

    expect(delays).toEqual([100, 200, 400, 800, 1000]);
  });

  it('gives up when workers crash more often than the policy allows (crash loop)', () => {
    const tracker = new CrashTracker(policy);
    for (let second = 0; second < 5; second += 1) tracker.recordCrash(second * 1000);

    expect(tracker.recordCrash(5000)).toBeUndefined();
  });

  it('forgets crashes older than the window', () => {
    const tracker = new CrashTracker(policy);
    for (let second = 0; second < 5; second += 1) tracker.recordCrash(second * 1000);

    expect(tracker.recordCrash(120_000)).toBe(100);
  });
});
