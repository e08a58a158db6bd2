import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { openDatabase } from '../../../node/sqlite.js';
import { runKey, type SyncRecord } from '../../../shared/sync/sync-records.js';
import { consoleMigrations } from '../db/console-migrations.js';
import { ManualClock } from '../../../../test/helpers/manual-clock.js';
import { Outbox } from './outbox.js';

const run = (runId: string, padding = ''): SyncRecord => ({
  kind: 'run',
  key: runKey(runId),
  origin: 'console-a',
  body: { runId, planId: `plan${padding}`, planVersion: 1, mode: 'drill', drillId: null, startedAt: '2026-12-06T01:00:00.000Z' },
});

function outbox(clock = new ManualClock()): Outbox {
  return new Outbox(openDatabase({ file: ':memory:', migrations: consoleMigrations, logger: recordingLogger() }), clock);
}

describe('Outbox', () => {
  it('hands out the oldest pending records within a count and a byte budget, the first one whatever its size', () => {
    const box = outbox();
    box.add(run('r1', 'x'.repeat(2000)));
    box.add(run('r2'));
    box.add(run('r3'));
    expect(box.pending(10, 100).map((record) => record.key)).toEqual(['run:r1']);
    expect(box.pending(2).map((record) => record.key)).toEqual(['run:r1', 'run:r2']);
    box.settled('stored', ['run:r1']);
    expect(box.pending(10, 1000).map((record) => record.key)).toEqual(['run:r2', 'run:r3']);
  });

  it('settles a refused record with its reason, out of the queue and listed', () => {
    const clock = new ManualClock('2026-12-06T02:00:00Z');
    const box = outbox(clock);
    box.add(run('r1'));
    box.add(run('r2'));
    box.refused([{ key: 'run:r1', reason: 'unknown-plan-version', detail: 'plan@1' }]);
    expect(box.pending(10).map((record) => record.key)).toEqual(['run:r2']);
    expect(box.refusedCount()).toBe(1);
    expect(box.latestRefused(5)).toEqual([
      { key: 'run:r1', direction: 'out', origin: 'console-a', reason: 'unknown-plan-version', detail: 'plan@1', at: '2026-12-06T02:00:00.000Z' },
    ]);
  });

  it('forgets stored records older than a date, never pending or refused ones', () => {
    const clock = new ManualClock('2026-11-01T00:00:00Z');
    const box = outbox(clock);
    for (const id of ['old', 'recent', 'refused', 'pending']) box.add(run(id));
    box.settled('stored', ['run:old']);
    box.refused([{ key: 'run:refused', reason: 'too-large', detail: 'x' }]);
    clock.advance(34 * 24 * 3600);
    box.settled('stored', ['run:recent']);
    expect(box.pruneStored(new Date('2026-11-29T00:00:00Z'))).toBe(1);
    expect(box.pruneStored(new Date('2026-11-29T00:00:00Z'))).toBe(0);
    expect(box.pendingCount()).toBe(1);
    expect(box.refusedCount()).toBe(1);
  });
});
