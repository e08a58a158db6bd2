import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/helpers/test-logger.js';
import { ProcessHealth, installLastResortHandlers } from './health.js';

describe('ProcessHealth', () => {
  it('is ok until a fault is recorded, then degraded with each reason counted and timed', () => {
    let now = new Date('2026-12-06T08:00:00Z');
    const health = new ProcessHealth(() => now);
    expect(health.report()).toEqual({ status: 'ok', degradations: [] });
    health.record('uncaught exception: TypeError: x');
    now = new Date('2026-12-06T08:05:00Z');
    health.record('uncaught exception: TypeError: x');
    health.record('unhandled rejection: Error: y');
    expect(health.report()).toEqual({
      status: 'degraded',
      degradations: [
        { reason: 'uncaught exception: TypeError: x', count: 2, firstAt: '2026-12-06T08:00:00.000Z', lastAt: '2026-12-06T08:05:00.000Z' },
        { reason: 'unhandled rejection: Error: y', count: 1, firstAt: '2026-12-06T08:05:00.000Z', lastAt: '2026-12-06T08:05:00.000Z' },
      ],
    });
  });

  it('keeps at most 20 reasons, counting the rest under one', () => {
    const health = new ProcessHealth();
    for (let index = 0; index < 1000; index++) health.record(`fault ${index}`);
    const { degradations } = health.report();
    expect(degradations).toHaveLength(20);
    expect(degradations.at(-1)).toMatchObject({ reason: 'further faults of other kinds (see the log)', count: 981 });
  });
});

describe('the last-resort handlers', () => {
  it('log an uncaught exception and an unhandled rejection with their stacks, record them and remove cleanly', () => {
    const logger = recordingLogger();
    const health = new ProcessHealth();
    const before = {
      exception: new Set(process.listeners('uncaughtException')),
      rejection: new Set(process.listeners('unhandledRejection')),
    };
    const uninstall = installLastResortHandlers(logger, health);
    // Called directly: emitting the events would reach the test runner's own handlers too.
    const onException = process.listeners('uncaughtException').find((listener) => !before.exception.has(listener));
    const onRejection = process.listeners('unhandledRejection').find((listener) => !before.rejection.has(listener));
    try {
      onException?.(new TypeError('boom'), 'uncaughtException');
      onRejection?.('a string reason', Promise.resolve());
    } finally {
      uninstall();
    }
    expect(logger.records.map((record) => [record.level, record.message])).toEqual([
      ['error', 'programming error, uncaught exception (the process keeps running): TypeError: boom'],
      ['error', 'programming error, unhandled rejection (the process keeps running): a string reason'],
    ]);
    expect((logger.records[0]?.fields?.error as Error).stack).toContain('health.test.ts');
    expect(health.report().degradations.map((entry) => entry.reason)).toEqual(['uncaught exception: TypeError: boom', 'unhandled rejection: a string reason']);
    expect(process.listeners('uncaughtException')).toHaveLength(before.exception.size);
    expect(process.listeners('unhandledRejection')).toHaveLength(before.rejection.size);
  });
});
