/**
 * Plan-run figures for issue #4, each as a ratio to a baseline measured in the same process:
 *  - one click to the first-wave steps recorded (RunService.start), median of 100, vs. a bare SQLite transaction
 *    writing the same rows;
 *  - 1,000 concurrent runs with armed timers: resuming them all after a restart, and the memory they hold;
 *  - 10,000 queued outbox records replayed to a real backend after reconnect, vs. the backend storing the same
 *    records directly.
 * Figures are for ratios on this machine, not absolute claims.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend } from '../src/backend/backend-server.js';
import { generateConsoleCredential } from '../src/backend/consoles/index.js';
import { SyncStore } from '../src/backend/db/sync-store.js';
import { openBackendStore } from '../src/backend/db/backend-store.js';
import { EventHub } from '../src/main/core/api/event-hub.js';
import { BackendLink } from '../src/main/core/backend-link/backend-link.js';
import { consoleMigrations } from '../src/main/core/db/console-migrations.js';
import { PlanLibraryService } from '../src/main/core/plans/plan-library.js';
import { PlanRepository } from '../src/main/core/plans/plan-repository.js';
import { RunRepository } from '../src/main/core/plans/run-repository.js';
import { RunService } from '../src/main/core/plans/run-service.js';
import { systemClock } from '../src/main/core/clock/index.js';
import { Outbox } from '../src/main/core/sync/outbox.js';
import { SyncService } from '../src/main/core/sync/sync-service.js';
import type { Actor } from '../src/shared/plans/run-model.js';
import { runEventKey, type SyncRecord } from '../src/shared/sync/sync-records.js';
import { createFileLogger } from '../src/node/logger.js';
import { openDatabase } from '../src/node/sqlite.js';
import { bridgeTestPlanYaml } from '../test/fixtures/plans/bridge-test-plan.js';
import { TEST_CITY_COMPONENTS, testCityDir } from '../test/helpers/test-city.js';
import { buildCity, currentCity, DEFAULT_SEED } from '../scripts/city/build-city.js';

const work = mkdtempSync(join(tmpdir(), 'zhili-bench-'));
const logger = createFileLogger({ directory: join(work, 'logs'), name: 'bench', level: 'error' });
const operator: Actor = { kind: 'operator', name: 'bench', window: 'bench' };
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ms = (value: number) => `${value.toFixed(2)} ms`;
const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}x`;

function openConsole(name: string) {
  const plansDir = join(work, `${name}-plans`);
  mkdirSync(plansDir, { recursive: true });
  writeFileSync(join(plansDir, 'bridge-test.yaml'), bridgeTestPlanYaml);
  const db = openDatabase({ file: join(work, `${name}.sqlite`), migrations: consoleMigrations, logger, slowQueryMs: 0 });
  const outbox = new Outbox(db, systemClock);
  const plans = new PlanLibraryService(new PlanRepository(db), outbox, name, logger, systemClock);
  plans.loadDirectory(plansDir);
  const runs = new RunService(new RunRepository(db), plans, outbox, name, () => undefined, logger, systemClock);
  return { db, outbox, plans, runs };
}

async function oneClick(): Promise<void> {
  const { db, runs } = openConsole('click');
  const starts: number[] = [];
  for (let i = 0; i < 100; i += 1) {
    const t0 = performance.now();
    runs.start({ planId: 'bridge-test', mode: 'live', incident: null, by: operator });
    starts.push(performance.now() - t0);
  }
  runs.dispose();
  // Baseline: the same rows (run row, 3 events, 4 outbox rows) in one bare transaction.
  const bare = new Database(join(work, 'bare.sqlite'));
  bare.pragma('journal_mode = WAL');
  bare.pragma('synchronous = FULL');
  bare.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)');
  const insert = bare.prepare('INSERT INTO t VALUES (?, ?)');
  const baseline: number[] = [];
  for (let i = 0; i < 100; i += 1) {
    const t0 = performance.now();
    bare.transaction(() => {
      for (let row = 0; row < 8; row += 1) insert.run(`${i}:${row}`, JSON.stringify({ i, row, pad: 'x'.repeat(200) }));
    })();
    baseline.push(performance.now() - t0);
  }
  bare.close();
  db.close();
  console.log(`plans: one click to first-wave steps recorded: median ${ms(median(starts))} = ${ratio(median(starts), median(baseline))} a bare transaction of the same rows (${ms(median(baseline))})`);
}

function concurrentRuns(): void {
  const { db, runs } = openConsole('concurrent');
  for (let i = 0; i < 1000; i += 1) {
    const runId = runs.start({ planId: 'bridge-test', mode: 'drill', incident: null, by: operator }).state.runId;
    // Past the first step, each run waits on a task with a time limit: one armed timer per run.
    runs.command(runId, { type: 'complete', stepId: 'call-crew' }, operator);
  }
  runs.dispose();
  db.close();
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const again = openConsole('concurrent');
  const resumed = again.runs.resumeActiveRuns();
  const resumeMs = performance.now() - t0;
  global.gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  const t1 = performance.now();
  const list = again.runs.list();
  const listMs = performance.now() - t1;
  again.runs.dispose();
  again.db.close();
  console.log(
    `plans: ${resumed} concurrent runs resumed with their timers in ${ms(resumeMs)} (${ms(resumeMs / resumed)} a run), heap +${heapMb.toFixed(1)} MB; run list of ${list.length} in ${ms(listMs)}`,
  );
}

async function outboxReplay(): Promise<void> {
  const request = { seed: DEFAULT_SEED, componentCount: TEST_CITY_COMPONENTS };
  if (!(await currentCity(testCityDir(), request))) await buildCity({ ...request, outDir: testCityDir() });
  const consoleA = openConsole('replay');
  const started = consoleA.runs.start({ planId: 'bridge-test', mode: 'live', incident: null, by: operator }).state;
  // 10,000 queued operations: run events written while the backend was away, after the run and its plan version.
  consoleA.db.transaction(() => {
    for (let i = 0; i < 10_000; i += 1) {
      const seq = started.eventCount + i + 1;
      consoleA.outbox.add({
        kind: 'run-event',
        key: runEventKey(started.runId, seq),
        origin: 'replay',
        body: { runId: started.runId, seq, event: { type: 'step-acknowledged', at: new Date().toISOString(), by: operator, stepId: 'inspect' } },
      });
    }
  })();
  const records: SyncRecord[] = consoleA.outbox.pending(1_000_000);
  const credential = generateConsoleCredential();
  const backend = await startBackend({ host: '127.0.0.1', port: 0, dataDir: join(work, 'backend'), cityDir: testCityDir(), videoDir: join('resources', 'video', 'demo'), camerasFile: null, inProcessConsoleCredential: credential, appVersion: 'bench', logger, tickMs: 60_000 });
  const hub = new EventHub();
  const link = new BackendLink({ url: backend.url, embedded: true, consoleId: 'replay', appVersion: 'bench', credential, hub, logger });
  const sync = new SyncService(consoleA.db, consoleA.outbox, link, 'replay', { plansChanged: () => undefined, runChanged: () => undefined, statusChanged: () => undefined }, logger, systemClock);
  const t0 = performance.now();
  while (consoleA.outbox.pendingCount() > 0) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const replayMs = performance.now() - t0;
  sync.dispose();
  link.dispose();
  await backend.close();
  // Baseline: the backend's store taking the same records directly, in batches of the same size, without a network.
  const direct = await openBackendStore({ engine: 'sqlite', file: join(work, 'direct.sqlite') }, { logger });
  const store = new SyncStore(direct, logger);
  const t1 = performance.now();
  for (let i = 0; i < records.length; i += 200) await store.push(records.slice(i, i + 200), 'replay');
  const directMs = performance.now() - t1;
  await direct.close();
  consoleA.runs.dispose();
  consoleA.db.close();
  console.log(`plans: 10,000 queued outbox records replayed after reconnect in ${ms(replayMs)} = ${ratio(replayMs, directMs)} the backend storing them directly (${ms(directMs)})`);
}

try {
  await oneClick();
  concurrentRuns();
  await outboxReplay();
} finally {
  rmSync(work, { recursive: true, force: true });
}
