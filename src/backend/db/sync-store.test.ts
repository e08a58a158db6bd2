import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { bridgeTestPlanYaml } from '../../../test/fixtures/plans/bridge-test-plan.js';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { STORE_ENGINES, testStores } from '../../../test/helpers/test-stores.js';
import { parsePlanFile } from '../../shared/plans/plan-file.js';
import type { Plan } from '../../shared/plans/plan-schema.js';
import type { Actor, RunEvent } from '../../shared/plans/run-model.js';
import { MAX_SYNC_RECORD_BYTES, planVersionKey, runEventKey, runKey, type SyncRecord } from '../../shared/sync/sync-records.js';
import type { BackendStore } from './backend-store.js';
import { SyncStore } from './sync-store.js';

const operator: Actor = { kind: 'operator', name: '张伟', window: 'plans/test' };
const parsed = parsePlanFile('bridge-test.yaml', bridgeTestPlanYaml);
if (!parsed.ok) throw new Error('the bridge test plan does not parse');
const plan: Plan = { ...parsed.plan, id: 'plan-p', version: 1 };

const planVersion = (origin: string): SyncRecord => ({ kind: 'plan-version', key: planVersionKey('plan-p', 1), origin, body: { plan, sha256: 'abc', sourceFile: 'p.yaml' } });
const run = (origin: string, runId = 'r'): SyncRecord => ({
  kind: 'run',
  key: runKey(runId),
  origin,
  body: { runId, planId: 'plan-p', planVersion: 1, mode: 'drill', drillId: null, startedAt: '2026-12-06T01:00:00.000Z' },
});
const event = (origin: string, seq: number, body: RunEvent = { type: 'step-acknowledged', at: `2026-12-06T01:00:0${seq}.000Z`, by: operator, stepId: 'inspect' }, runId = 'r'): SyncRecord => ({
  kind: 'run-event',
  key: runEventKey(runId, seq),
  origin,
  body: { runId, seq, event: body },
});
const handOver = (origin: string, seq: number, from: string): SyncRecord =>
  event(origin, seq, { type: 'run-handed-over', at: '2026-12-06T02:00:00.000Z', by: operator, from, to: origin, reason: '原控制台离线' });

describe.each(STORE_ENGINES)('SyncStore on %s', (engine) => {
  const stores = testStores(engine);
  let db: BackendStore;
  let store: SyncStore;
  beforeEach(async () => {
    db = await stores.fresh();
    store = new SyncStore(db, recordingLogger());
  });

  const logCount = async () => Number((await db.db.selectFrom('sync_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('stores a run after its plan version and its events in order, each once; a resend is acknowledged, not stored again', async () => {
    const records = [planVersion('a'), run('a'), event('a', 1), event('a', 2)];
    expect(await store.push(records, 'a')).toMatchObject({ stored: records.map((record) => record.key), refused: [], conflicts: [] });
    expect(await store.push(records, 'a')).toMatchObject({ stored: records.map((record) => record.key), refused: [], logged: [] });
    expect(await store.pull(0, 10)).toEqual({ records: records.map((record, index) => ({ seq: index + 1, record })), through: 4, more: false });
    expect(await store.pull(2, 1)).toEqual({ records: [{ seq: 3, record: records[2] }], through: 3, more: true });
  });

  it('refuses a poison record with its reason and stores the records behind it in the same push', async () => {
    await store.push([planVersion('a'), run('a')], 'a');
    const ghost = event('x', 1, undefined, 'ghost');
    const result = await store.push([ghost, event('x', 1), event('x', 1, undefined, 'r')], 'x');
    expect(result.refused).toEqual([
      { key: runEventKey('ghost', 1), reason: 'unknown-run', detail: 'ghost' },
      { key: runEventKey('r', 1), reason: 'not-run-owner', detail: 'the run is driven by a' },
      { key: runEventKey('r', 1), reason: 'not-run-owner', detail: 'the run is driven by a' },
    ]);
    expect(await store.push([event('a', 1), { kind: 'run-event', key: 'run-event:r#9', origin: 'a', body: { runId: 'r' } }, event('a', 2)], 'a')).toMatchObject({
      stored: [runEventKey('r', 1), runEventKey('r', 2)],
      refused: [{ key: 'run-event:r#9', reason: 'invalid-record' }],
    });
    expect(await logCount()).toBe(4);
  });

  it('refuses what a console pushes for another, under a key its body does not imply, or too large to carry', async () => {
    await store.push([planVersion('a')], 'a');
    expect((await store.push([run('a')], 'b')).refused).toEqual([{ key: 'run:r', reason: 'not-own-record', detail: 'pushed by b, made by a' }]);
    const shadow = { ...run('b'), key: 'plan:plan-p@1' } as SyncRecord;
    expect((await store.push([shadow], 'b')).refused).toEqual([{ key: 'plan:plan-p@1', reason: 'bad-key', detail: 'expected run:r' }]);
    const huge = { ...planVersion('b'), body: { plan: { ...plan, summary: { zh: '长'.repeat(MAX_SYNC_RECORD_BYTES / 3), en: 'x' } }, sha256: 'big', sourceFile: 'p.yaml' } } as SyncRecord;
    expect((await store.push([huge], 'b')).refused).toMatchObject([{ key: 'plan:plan-p@1', reason: 'too-large' }]);
    expect(await logCount()).toBe(1);
  });

  it('refuses a run of a plan version it does not have, an event out of order, and events after the run finished', async () => {
    expect((await store.push([run('a')], 'a')).refused).toEqual([{ key: 'run:r', reason: 'unknown-plan-version', detail: 'plan:plan-p@1' }]);
    await store.push([planVersion('a'), run('a'), event('a', 1)], 'a');
    expect((await store.push([event('a', 3)], 'a')).refused).toMatchObject([{ reason: 'event-out-of-order', detail: "event 3, the run's next is 2" }]);
    const finished: RunEvent = { type: 'run-finished', at: '2026-12-06T03:00:00.000Z', by: operator, outcome: 'aborted', reason: '测试' };
    expect((await store.push([event('a', 2, finished)], 'a')).refused).toEqual([]);
    expect((await store.push([event('a', 3)], 'a')).refused).toMatchObject([{ reason: 'run-finished' }]);
  });

  it('lets only the console that drives a run append to it, until an explicit hand-over moves it to another', async () => {
    await store.push([planVersion('a'), run('a'), event('a', 1)], 'a');
    // A hand-over must name the run's driver and be made by the console that takes it.
    expect((await store.push([handOver('b', 2, 'c')], 'b')).refused).toMatchObject([{ reason: 'bad-handover' }]);
    expect((await store.push([handOver('a', 2, 'a')], 'a')).refused).toMatchObject([{ reason: 'bad-handover' }]);
    expect(await store.push([handOver('b', 2, 'a')], 'b')).toMatchObject({ stored: [runEventKey('r', 2)], refused: [] });
    // The old driver's event under the same number is a conflict; after it, it is no longer the driver.
    expect((await store.push([event('a', 2)], 'a')).conflicts).toMatchObject([{ key: runEventKey('r', 2), keptFrom: 'b', refusedFrom: 'a' }]);
    expect((await store.push([event('a', 3)], 'a')).refused).toMatchObject([{ reason: 'not-run-owner', detail: 'the run is driven by b' }]);
    expect(await store.push([event('b', 3)], 'b')).toMatchObject({ stored: [runEventKey('r', 3)], refused: [] });
  });

  it('passes over a log row it cannot read instead of stopping a catch-up at it', async () => {
    await store.push([planVersion('a')], 'a');
    await sql`INSERT INTO sync_log (seq, key, kind, origin_console, body_json, received_at) VALUES (2, 'future:1', 'future', 'z', '{"kind":"future"}', 'now')`.execute(db.db);
    await store.push([run('a')], 'a');
    expect(await store.pull(0, 10)).toMatchObject({ records: [{ seq: 1 }, { seq: 3 }], through: 3, more: false });
    expect(await store.pull(1, 1)).toEqual({ records: [], through: 2, more: true });
  });

  it('numbers concurrent pushes from several consoles 1, 2, 3 … without gaps or doubles, and a pull meanwhile misses none', async () => {
    const consoles = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    const pushesEach = 5;
    const version = (origin: string, index: number): SyncRecord => {
      const id = `plan-${origin}-${index}`;
      return { kind: 'plan-version', key: planVersionKey(id, 1), origin, body: { plan: { ...plan, id }, sha256: id, sourceFile: `${id}.yaml` } };
    };
    const total = consoles.length * pushesEach;
    // A console's cursor: it follows the log page by page while the pushes go on, as a console catching up does.
    const seen: number[] = [];
    let cursor = 0;
    const follow = async () => {
      const page = await store.pull(cursor, 7);
      seen.push(...page.records.map((entry) => entry.seq));
      cursor = page.through;
      return cursor;
    };
    let pushing = true;
    const pushes = Promise.all(
      consoles.map(async (origin) => {
        const logged: number[] = [];
        for (let index = 0; index < pushesEach; index++) logged.push(...(await store.push([version(origin, index)], origin)).logged.map((entry) => entry.seq));
        return logged;
      }),
    ).finally(() => {
      pushing = false;
    });
    const follower = (async () => {
      while (pushing) await follow();
    })();
    const logged = (await pushes).flat();
    await follower;
    await follow();
    const everyNumber = Array.from({ length: total }, (_, index) => index + 1);
    expect([...logged].sort((a, b) => a - b)).toEqual(everyNumber);
    expect(seen).toEqual(everyNumber);
    const page = await store.pull(0, 1000);
    expect(new Set(page.records.map((entry) => entry.record.key)).size).toBe(total);
  });
});
