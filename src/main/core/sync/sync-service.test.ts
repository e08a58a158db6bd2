import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { RunningBackend } from '../../../backend/backend-server.js';
import { startTestBackend as startBackendInProcess } from '../../../../test/helpers/test-backend.js';
import { ConsoleCredentials } from '../../../backend/consoles/index.js';
import { backendStoreLocation, openBackendStore } from '../../../backend/db/backend-store.js';
import { bridgeTestPlanYaml } from '../../../../test/fixtures/plans/bridge-test-plan.js';
import { recordingLogger, type RecordedLog } from '../../../../test/helpers/test-logger.js';
import { waitUntil } from '../../../../test/helpers/wait.js';
import { BACKEND_PROTOCOL_VERSION } from '../../../shared/backend/protocol.js';
import { mulberry32 } from '../../../shared/city/random.js';
import type { Actor, RunCommand } from '../../../shared/plans/run-model.js';
import { parsePlanFile } from '../../../shared/plans/plan-file.js';
import { planVersionKey, runEventKey, type PushResult, type SyncRecord } from '../../../shared/sync/sync-records.js';
import { openDatabase } from '../../../node/sqlite.js';
import { EventHub } from '../api/event-hub.js';
import { BackendLink } from '../backend-link/backend-link.js';
import { systemClock } from '../clock/index.js';
import { consoleMigrations } from '../db/console-migrations.js';
import { PlanLibraryService } from '../plans/plan-library.js';
import { PlanRepository, planSourceSha256 } from '../plans/plan-repository.js';
import { RunRepository } from '../plans/run-repository.js';
import { RunService } from '../plans/run-service.js';
import { ManualClock } from '../../../../test/helpers/manual-clock.js';
import { Outbox } from './outbox.js';
import { SyncService } from './sync-service.js';

const operator: Actor = { kind: 'operator', name: '张伟', window: 'plans/test' };

let work: string;
let logs: RecordedLog[];
let backend: RunningBackend | null = null;
let backendPort = 0;
const consoles: TestConsole[] = [];

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'zhili-sync-'));
  mkdirSync(join(work, 'plans'));
  writeFileSync(join(work, 'plans', 'bridge-test.yaml'), bridgeTestPlanYaml);
  logs = [];
});

afterEach(async () => {
  for (const entry of consoles.splice(0)) entry.close();
  await backend?.close();
  backend = null;
  rmSync(work, { recursive: true, force: true });
});

async function startTestBackend(): Promise<RunningBackend> {
  backend = await startBackendInProcess({ port: backendPort, dataDir: join(work, 'backend'), inProcessConsoleCredential: null, logger: recordingLogger(logs, 'backend'), tickMs: 60_000 });
  backendPort = backend.port;
  return backend;
}

/** Enrols a console in the backend's database, as `--enrol-console` does (the backend may be running). */
async function enrol(name: string): Promise<string> {
  const store = await openBackendStore(backendStoreLocation(join(work, 'backend'), null), { logger: recordingLogger(logs, 'enrol') });
  try {
    return (await new ConsoleCredentials(store).enrol(name)).credential;
  } finally {
    await store.close();
  }
}

async function restartBackend(): Promise<void> {
  await backend?.close();
  backend = null;
  await startTestBackend();
}

/** One console as its host assembles it: database, outbox, plan library, runs, and the sync service on a backend link. */
class TestConsole {
  readonly db;
  readonly outbox;
  readonly plans;
  readonly runs;
  private link: BackendLink | null = null;
  /** Enrolled on its first time online, and kept across offline spells and backend restarts. */
  private credential: string | null = null;
  private sync: SyncService | null = null;

  /** `plansDir`: the console's own plan folder (default: the one every test console shares). */
  constructor(
    readonly id: string,
    plansDir = join(work, 'plans'),
  ) {
    this.db = openDatabase({ file: join(work, `${id}.sqlite`), migrations: consoleMigrations, logger: recordingLogger(logs, id) });
    // Real time: these consoles talk to a real backend over real sockets.
    this.outbox = new Outbox(this.db, systemClock);
    const plans = new PlanLibraryService(new PlanRepository(this.db), this.outbox, id, recordingLogger(logs, id), systemClock);
    plans.loadDirectory(plansDir);
    this.plans = plans;
    this.runs = new RunService(new RunRepository(this.db), plans, this.outbox, id, () => undefined, recordingLogger(logs, id), systemClock);
    consoles.push(this);
  }

  async online(): Promise<this> {
    if (this.link) return this;
    // Enrolled on first going online, as an operator enrols a console before its first connection.
    this.credential ??= await enrol(this.id);
    this.link = new BackendLink({
      url: `http://127.0.0.1:${backendPort}`,
      embedded: false,
      consoleId: this.id,
      appVersion: 'test',
      credential: this.credential,
      hub: new EventHub(),
      logger: recordingLogger(logs, this.id),
    });
    const { plans, runs } = this;
    this.sync = new SyncService(
      this.db,
      this.outbox,
      this.link,
      this.id,
      { plansChanged: () => plans.reloadLatest(), runChanged: (runId) => runs.remoteChanged(runId), statusChanged: () => undefined },
      recordingLogger(logs, `${this.id}.sync`),
      systemClock,
    );
    return this;
  }

  offline(): void {
    this.sync?.dispose();
    this.link?.dispose();
    this.sync = null;
    this.link = null;
  }

  get isOnline(): boolean {
    return this.link !== null;
  }

  status() {
    if (!this.sync) throw new Error(`${this.id} is offline`);
    return this.sync.status();
  }

  push(record: SyncRecord): Promise<PushResult> {
    if (!this.link) throw new Error(`${this.id} is offline`);
    return this.link.call('sync:push', [record]);
  }

  /** Every run event this console holds, as `run#seq body`, sorted. */
  events(): string[] {
    return this.db
      .prepare<[], { run_id: string; seq: number; body_json: string }>('SELECT run_id, seq, body_json FROM run_events')
      .all()
      .map((row) => `${row.run_id}#${row.seq} ${JSON.stringify(JSON.parse(row.body_json))}`)
      .sort();
  }

  runIds(): string[] {
    return this.db.prepare<[], { run_id: string }>('SELECT run_id FROM runs ORDER BY run_id').all().map((row) => row.run_id);
  }

  close(): void {
    this.offline();
    this.runs.dispose();
    this.db.close();
  }
}

/** The backend's log, read from its database: every run and run event once, as the consoles should hold them. */
function backendLog(): { runs: string[]; events: string[]; lastSeq: number } {
  const db = new Database(join(work, 'backend', 'backend.sqlite'), { readonly: true });
  try {
    const rows = db.prepare<[], { seq: number; kind: string; body_json: string }>('SELECT seq, kind, body_json FROM sync_log ORDER BY seq').all();
    const bodies = rows.map((row) => ({ kind: row.kind, body: (JSON.parse(row.body_json) as SyncRecord).body }));
    return {
      runs: bodies.flatMap((entry) => (entry.kind === 'run' ? [(entry.body as { runId: string }).runId] : [])).sort(),
      events: bodies
        .flatMap((entry) => {
          if (entry.kind !== 'run-event') return [];
          const { runId, seq, event } = entry.body as { runId: string; seq: number; event: unknown };
          return [`${runId}#${seq} ${JSON.stringify(event)}`];
        })
        .sort(),
      lastSeq: rows.at(-1)?.seq ?? 0,
    };
  } finally {
    db.close();
  }
}

/** Waits for a state of the consoles; a failure adds the last warnings, which say what held it up. */
async function until(condition: () => boolean, what: string): Promise<void> {
  try {
    await waitUntil(condition, Boolean, what, 30_000);
  } catch (error) {
    throw new Error(`${(error as Error).message} Last warnings: ${JSON.stringify(logs.filter((log) => log.level !== 'info' && log.level !== 'debug').slice(-5))}`, { cause: error });
  }
}

/** Every console online has sent everything and applied the whole log. */
async function settled(online: TestConsole[]): Promise<void> {
  await until(() => online.every((entry) => entry.status().pending === 0), 'every outbox to empty');
  await until(() => {
    const { lastSeq } = backendLog();
    return online.every((entry) => entry.status().cursor === lastSeq);
  }, `every console to apply the whole log`).catch((error: unknown) => {
    throw new Error(`${String(error)} (log at ${backendLog().lastSeq}, cursors ${online.map((entry) => `${entry.id}: ${entry.status().cursor}`).join(', ')})`);
  });
}

function expectExactlyTheLog(online: TestConsole[]): void {
  const log = backendLog();
  for (const entry of online) {
    expect(entry.runIds(), entry.id).toEqual(log.runs);
    expect(entry.events(), entry.id).toEqual(log.events);
    expect(entry.status().setAsideCount, entry.id).toBe(0);
  }
}

describe('SyncService against a real backend', () => {
  it('delivers a backlog that overlaps live records exactly once (a console offline during a large backlog)', async () => {
    await startTestBackend();
    const a = await new TestConsole('console-a').online();
    const c = await new TestConsole('console-c').online();
    await settled([a, c]);
    c.offline();
    for (let i = 0; i < 300; i++) a.runs.start({ planId: 'bridge-test', mode: 'drill', incident: null, by: operator });
    await until(() => a.status().pending === 0, "console a's backlog to reach the backend");
    // Back while the other console keeps sending: catch-up and live delivery overlap.
    await c.online();
    for (let i = 0; i < 150; i++) {
      a.runs.start({ planId: 'bridge-test', mode: 'drill', incident: null, by: operator });
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await settled([a, c]);
    expectExactlyTheLog([a, c]);
    expect(c.runIds()).toHaveLength(450);
  }, 120_000);

  it('sets aside a record it cannot apply, shows it, and goes on; the backend refuses a poison push with its reason', async () => {
    await startTestBackend();
    const a = await new TestConsole('console-a').online();
    await settled([a]);
    // A client that is not a console pushes an event of a run nobody has: refused, stored nowhere, nothing stops.
    const rogue = io(`http://127.0.0.1:${backendPort}`, { transports: ['websocket'], auth: { protocol: BACKEND_PROTOCOL_VERSION, consoleId: 'rogue', appVersion: 'x', credential: await enrol('rogue') } });
    const poison: SyncRecord = { kind: 'run-event', key: runEventKey('RUN-GHOST', 1), origin: 'rogue', body: { runId: 'RUN-GHOST', seq: 1, event: { type: 'step-acknowledged', at: new Date().toISOString(), by: operator, stepId: 'inspect' } } };
    const answer = await rogue.timeout(5000).emitWithAck('sync:push', [poison]);
    rogue.disconnect();
    expect(answer).toMatchObject({ ok: true, value: { stored: [], refused: [{ key: poison.key, reason: 'unknown-run' }] } });
    const run = a.runs.start({ planId: 'bridge-test', mode: 'drill', incident: null, by: operator });
    await settled([a]);
    expect(backendLog().runs).toEqual([run.state.runId]);
    expect(logs.some((log) => log.message === 'refused a sync record' && log.fields?.reason === 'unknown-run')).toBe(true);
  });

  it('refuses a run event from a console that does not drive the run, and hands the run over explicitly', async () => {
    await startTestBackend();
    const a = await new TestConsole('console-a').online();
    const b = await new TestConsole('console-b').online();
    const { runId } = a.runs.start({ planId: 'bridge-test', mode: 'drill', incident: null, by: operator }).state;
    await settled([a, b]);
    // Following is not commanding: console b cannot append to a's run, through its run service or by pushing.
    expect(() => b.runs.command(runId, { type: 'complete', stepId: 'call-crew' }, operator)).toThrow(/driven from console/);
    const count = b.runs.view(runId).state.eventCount;
    const forged: SyncRecord = { kind: 'run-event', key: runEventKey(runId, count + 1), origin: 'console-b', body: { runId, seq: count + 1, event: { type: 'step-acknowledged', at: new Date().toISOString(), by: operator, stepId: 'inspect' } } };
    expect((await b.push(forged)).refused).toMatchObject([{ reason: 'not-run-owner' }]);
    // Console a goes away; b takes the run over, with a reason, and drives it from now on.
    a.offline();
    const taken = await b.runs.takeOver(runId, '甲台离线', operator, (record) => b.push(record));
    expect(taken.origin).toBe('console-b');
    expect(taken.events.at(-1)?.event).toMatchObject({ type: 'run-handed-over', from: 'console-a', to: 'console-b', reason: '甲台离线' });
    b.runs.command(runId, { type: 'complete', stepId: 'call-crew' }, operator);
    await expect(b.runs.takeOver(runId, 'again', operator, (record) => b.push(record))).rejects.toThrow(/already drives/);
    // Console a, back, follows the run it no longer drives; its commands are refused.
    await a.online();
    await settled([a, b]);
    expect(a.runs.view(runId).origin).toBe('console-b');
    expect(() => a.runs.command(runId, { type: 'acknowledge', stepId: 'inspect' }, operator)).toThrow(/driven from console/);
    expectExactlyTheLog([a, b]);
  });

  it('refuses a record too large to send and sends the records behind it', async () => {
    await startTestBackend();
    const a = new TestConsole('console-a');
    const { runId, eventCount } = a.runs.start({ planId: 'bridge-test', mode: 'drill', incident: null, by: operator }).state;
    a.db.transaction(() => {
      // A skip reason is bounded by the run schema, so the oversized record is written straight into the outbox.
      const huge: SyncRecord = {
        kind: 'run-event',
        key: runEventKey(runId, eventCount + 1),
        origin: 'console-a',
        body: { runId, seq: eventCount + 1, event: { type: 'step-skipped', at: new Date().toISOString(), by: operator, stepId: 'inspect', reason: '长'.repeat(100_000) } },
      };
      a.outbox.add(huge);
    })();
    const after = a.runs.start({ planId: 'bridge-test', mode: 'drill', incident: null, by: operator }).state.runId;
    await a.online();
    await until(() => a.status().pending === 0, 'the outbox to settle');
    expect(a.status()).toMatchObject({ setAsideCount: 1, setAside: [{ key: runEventKey(runId, eventCount + 1), direction: 'out', reason: 'too-large' }] });
    expect(backendLog().runs).toEqual([runId, after].sort());
  });

  // Fixed seeds keep CI repeatable; ZHILI_SYNC_SEEDS=1,2,3 explores others (a failure names its seed).
  const seeds = (process.env.ZHILI_SYNC_SEEDS ?? '20261206,13').split(',').map(Number);
  it.each(seeds)('delivers every record to every console exactly once across random interleavings, offline spells and backend restarts (seed %i)', async (seed) => {
    await startTestBackend();
    const next = mulberry32(seed);
    const trio = await Promise.all(['console-a', 'console-b', 'console-c'].map((id) => new TestConsole(id).online()));
    const commands = (stepId: string): RunCommand[] => [
      { type: 'acknowledge', stepId },
      { type: 'complete', stepId },
      { type: 'skip', stepId, reason: '演练跳过' },
    ];
    for (let step = 0; step < 160; step++) {
      const console = trio[Math.floor(next() * trio.length)] as TestConsole;
      const roll = next();
      if (roll < 0.35) {
        console.runs.start({ planId: 'bridge-test', mode: 'drill', incident: null, by: operator });
      } else if (roll < 0.7) {
        const active = console.runs.activeRuns();
        const runId = active[Math.floor(next() * active.length)];
        if (runId) {
          const open = Object.entries(console.runs.view(runId).state.steps).filter(([, state]) => state.status === 'active' || state.status === 'acknowledged');
          const stepId = open[Math.floor(next() * open.length)]?.[0];
          const command = stepId ? commands(stepId)[Math.floor(next() * 3)] : ({ type: 'abort', reason: '演练结束' } as RunCommand);
          try {
            console.runs.command(runId, command as RunCommand, operator);
          } catch {
            // A command the run's state refuses (a step already moved on) changes nothing, as for an operator.
          }
        }
      } else if (roll < 0.85) {
        if (console.isOnline) console.offline();
        else await console.online();
      } else if (roll < 0.9) {
        await restartBackend();
      }
      // Let the network and the backend move between steps, by a varying amount.
      for (let turn = Math.floor(next() * 4); turn > 0; turn--) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    for (const entry of trio) await entry.online();
    await settled(trio);
    expectExactlyTheLog(trio);
    expect(backendLog().events.length).toBeGreaterThan(100);
  }, 120_000);

  describe('plan versions carry their source text', () => {
    /** A console with an empty plan folder: every plan it has came through sync. */
    function receivingConsole(id: string): Promise<TestConsole> {
      const empty = join(work, `${id}-plans`);
      mkdirSync(empty);
      return new TestConsole(id, empty).online();
    }

    /** Pushes a plan-version record as another console would, from a client that is not one of the test consoles. */
    async function pushAs(origin: string, record: Omit<Extract<SyncRecord, { kind: 'plan-version' }>, 'origin'>): Promise<void> {
      const peer = io(`http://127.0.0.1:${backendPort}`, { transports: ['websocket'], auth: { protocol: BACKEND_PROTOCOL_VERSION, consoleId: origin, appVersion: 'x', credential: await enrol(origin) } });
      try {
        const answer = await peer.timeout(5000).emitWithAck('sync:push', [{ ...record, origin }]);
        expect(answer).toMatchObject({ ok: true, value: { stored: [record.key] } });
      } finally {
        peer.disconnect();
      }
    }

    const bridgePlan = () => {
      const parsed = parsePlanFile('bridge-test.yaml', bridgeTestPlanYaml);
      if (!parsed.ok) throw new Error('fixture plan does not parse');
      return parsed.plan;
    };

    it('exports a synced plan as the file written on the console it came from, comments included', async () => {
      const original = `# 桥梁测试预案：注释只在原文里\n${bridgeTestPlanYaml}`;
      writeFileSync(join(work, 'plans', 'bridge-test.yaml'), original);
      await startTestBackend();
      const a = await new TestConsole('console-a').online();
      const b = await receivingConsole('console-b');
      await settled([a, b]);
      expect(b.plans.latestPlan('bridge-test')).toEqual(a.plans.latestPlan('bridge-test'));
      expect(b.plans.exportFile('bridge-test')).toEqual({ fileName: 'bridge-test.yaml', text: original });
      expect(b.status().setAsideCount).toBe(0);
    });

    it('sets aside a plan version whose source text is not the version it claims, and stores one that comes without text', async () => {
      await startTestBackend();
      const b = await receivingConsole('console-b');
      const plan = bridgePlan();
      const forged = `${bridgeTestPlanYaml}\n# 篡改`;
      await pushAs('console-x', { kind: 'plan-version', key: planVersionKey(plan.id, plan.version), body: { plan, sha256: planSourceSha256(bridgeTestPlanYaml), sourceFile: 'bridge-test.yaml', sourceText: forged } });
      await until(() => b.status().setAsideCount === 1, 'the forged plan version to be set aside');
      expect(b.status().setAside).toMatchObject([{ key: planVersionKey(plan.id, plan.version), direction: 'in', origin: 'console-x', reason: 'source-mismatch' }]);
      expect(b.plans.latestPlan(plan.id)).toBeUndefined();

      // A console that predates source texts sends none: the version is stored, and exports as the plan in YAML.
      const older = { ...plan, version: plan.version + 1 };
      await pushAs('console-y', { kind: 'plan-version', key: planVersionKey(plan.id, older.version), body: { plan: older, sha256: 'from-an-older-console', sourceFile: 'bridge-test.yaml' } });
      await until(() => b.plans.latestPlan(plan.id)?.version === older.version, 'the plan version without text to be stored');
      const exported = parsePlanFile('bridge-test.yaml', b.plans.exportFile(plan.id).text);
      expect(exported.ok && exported.plan).toEqual(older);
      expect(b.status().setAsideCount).toBe(1);
    });
  });

  it('forgets records the backend stored a week ago, on its own hourly round, by the console clock', () => {
    const clock = new ManualClock('2026-12-01T00:00:00.000Z');
    const db = openDatabase({ file: ':memory:', migrations: consoleMigrations, logger: recordingLogger(logs, 'prune') });
    const outbox = new Outbox(db, clock);
    for (const key of ['stored', 'pending']) outbox.add({ kind: 'run', key: `run:${key}`, origin: 'console-a', body: { runId: key, planId: 'p', planVersion: 1, mode: 'live', drillId: null, startedAt: clock.now().toISOString() } });
    outbox.settled('stored', ['run:stored']);
    // No backend listens here: the link keeps trying, and pruning does not wait for it.
    const link = new BackendLink({ url: 'http://127.0.0.1:9', embedded: false, consoleId: 'console-a', appVersion: 'test', credential: 'none', hub: new EventHub(), logger: recordingLogger(logs, 'link'), clock });
    const sync = new SyncService(db, outbox, link, 'console-a', { plansChanged: () => undefined, runChanged: () => undefined, statusChanged: () => undefined }, recordingLogger(logs, 'prune'), clock);
    try {
      clock.advance(7 * 24 * 3600 - 60);
      expect(db.prepare('SELECT key FROM outbox ORDER BY key').all()).toEqual([{ key: 'run:pending' }, { key: 'run:stored' }]);
      clock.advance(3600);
      expect(db.prepare('SELECT key FROM outbox ORDER BY key').all()).toEqual([{ key: 'run:pending' }]);
    } finally {
      sync.dispose();
      link.dispose();
      db.close();
    }
    expect(clock.armed).toBe(0);
  });
});
