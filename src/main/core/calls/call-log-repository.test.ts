import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { openDatabase } from '../../../node/sqlite.js';
import { callKpis, type CallRecord } from '../../../shared/dispatch/call-record.js';
import { consoleMigrations } from '../db/console-migrations.js';
import { CallLogRepository } from './call-log-repository.js';

function repository() {
  const logger = recordingLogger();
  const db = openDatabase({ file: ':memory:', migrations: consoleMigrations, logger });
  return { db, logger, calls: new CallLogRepository(db, logger) };
}

function call(id: string, patch: Partial<CallRecord> = {}): CallRecord {
  return {
    id,
    direction: 'outgoing',
    media: 'audio',
    peer: { user: '6002', name: '双河口街道网格巡查2组', crewId: 'CR0002' },
    priority: 'normal',
    startedAt: '2026-11-27T08:00:00.000Z',
    answeredAt: null,
    endedAt: null,
    outcome: 'ringing',
    problem: null,
    incidentId: null,
    runId: null,
    drill: false,
    groupCallId: null,
    operator: '值班员',
    ...patch,
  };
}

describe('CallLogRepository', () => {
  it('keeps one row per call, follows it to its end, and never reopens an ended call', () => {
    const { calls } = repository();
    const at = new Date('2026-11-27T08:00:10Z');
    calls.save(call('call-0001'), at);
    calls.save(call('call-0001', { outcome: 'talking', answeredAt: '2026-11-27T08:00:04.000Z' }), at);
    calls.save(call('call-0001', { outcome: 'completed', answeredAt: '2026-11-27T08:00:04.000Z', endedAt: '2026-11-27T08:01:00.000Z' }), at);
    // A late update (another window's stale copy) does not bring the call back.
    calls.save(call('call-0001', { outcome: 'talking', answeredAt: '2026-11-27T08:00:04.000Z' }), at);
    expect(calls.recent(10)).toEqual([call('call-0001', { outcome: 'completed', answeredAt: '2026-11-27T08:00:04.000Z', endedAt: '2026-11-27T08:01:00.000Z' })]);
    expect(() => calls.save(call('call-0002'), at)).not.toThrow();
    expect(() => calls.save(call('call-0002', { peer: { user: '6003', name: null, crewId: null } }), at)).toThrow(/another peer/);
  });

  it('ends the calls a stopped console left open where they were last logged, and still takes their real end', () => {
    const { calls } = repository();
    calls.save(call('talking-1', { outcome: 'talking', answeredAt: '2026-11-27T08:00:04.000Z' }), new Date('2026-11-27T08:00:05Z'));
    calls.save(call('queued-01', { direction: 'incoming' }), new Date('2026-11-27T08:00:06Z'));
    calls.save(call('done-0001', { outcome: 'completed', endedAt: '2026-11-27T08:00:09.000Z' }), new Date('2026-11-27T08:00:09Z'));
    expect(calls.closeOpen()).toBe(2);
    expect(calls.get('talking-1')).toMatchObject({ outcome: 'failed', endedAt: '2026-11-27T08:00:05.000Z', problem: { code: 'console-stopped', detail: null } });
    expect(calls.get('queued-01')).toMatchObject({ outcome: 'missed', endedAt: '2026-11-27T08:00:06.000Z' });
    expect(calls.get('done-0001')).toMatchObject({ outcome: 'completed', problem: null });
    // A web window kept the call going through the console's restart and tells its real end.
    const realEnd = call('talking-1', { outcome: 'completed', answeredAt: '2026-11-27T08:00:04.000Z', endedAt: '2026-11-27T08:09:00.000Z' });
    calls.save(realEnd, new Date('2026-11-27T08:09:00Z'));
    expect(calls.get('talking-1')).toEqual(realEnd);
  });

  it('skips a damaged row with a warning instead of failing the list', () => {
    const { db, logger, calls } = repository();
    calls.save(call('call-0001'), new Date());
    db.prepare("UPDATE call_log SET started_at = 'yesterday' WHERE id = 'call-0001'").run();
    expect(calls.recent(10)).toEqual([]);
    expect(logger.records.some((record) => record.message === 'call log row unreadable')).toBe(true);
  });
});

describe('callKpis', () => {
  const since = new Date('2026-11-27T00:00:00Z');
  const answeredAfter = (id: string, direction: CallRecord['direction'], seconds: number, drill = false) =>
    call(id, {
      direction,
      drill,
      startedAt: '2026-11-27T08:00:00.000Z',
      answeredAt: new Date(Date.parse('2026-11-27T08:00:00.000Z') + seconds * 1000).toISOString(),
      outcome: 'completed',
      endedAt: '2026-11-27T08:05:00.000Z',
    });

  it('gives the 90th percentile of time to answer and the shares within the NFPA and NENA targets', () => {
    const records = [
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((seconds, index) => answeredAfter(`in-${index}-000`, 'incoming', seconds)),
      answeredAfter('in-9-0000', 'incoming', 20),
      answeredAfter('out-1-000', 'outgoing', 3),
      call('missed-01', { direction: 'incoming', outcome: 'missed', endedAt: '2026-11-27T08:00:30.000Z' }),
      call('failed-01', { outcome: 'failed', problem: { code: 'call-failed', detail: '503 Service Unavailable' } }),
      // Drill calls and calls before the window count apart.
      answeredAfter('drill-001', 'incoming', 60, true),
      call('before-01', { direction: 'incoming', outcome: 'missed', startedAt: '2026-11-26T23:59:59.000Z' }),
    ];
    expect(callKpis(records, since)).toEqual({
      since: since.toISOString(),
      incomingAnswered: 10,
      incomingAnswerP90Ms: 9000,
      incomingWithin10s: 0.9,
      incomingWithin15s: 0.9,
      missed: 1,
      outgoingAnswered: 1,
      outgoingAnswerP90Ms: 3000,
      failed: 1,
    });
  });

  it('says nothing rather than zero before the first answered call', () => {
    const kpis = callKpis([], since);
    expect([kpis.incomingAnswerP90Ms, kpis.incomingWithin10s, kpis.outgoingAnswerP90Ms]).toEqual([null, null, null]);
  });
});
