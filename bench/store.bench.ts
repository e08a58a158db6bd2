/**
 * The backend's store on its two engines: sync records pushed by several consoles at once (as the backend's socket
 * handlers do, each push one transaction) and then pulled back page by page (a console catching up), on SQLite in a
 * temporary folder against PostgreSQL (ZHILI_BENCH_POSTGRES_URL, default the local server; a database made for the
 * run and dropped after it). Prints records per second on each and PostgreSQL's as a ratio of SQLite's.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openBackendStore, type StoreLocation } from '../src/backend/db/backend-store.js';
import { SyncStore } from '../src/backend/db/sync-store.js';
import { createFileLogger } from '../src/node/logger.js';
import { parsePlanFile } from '../src/shared/plans/plan-file.js';
import type { Actor } from '../src/shared/plans/run-model.js';
import { planVersionKey, runEventKey, runKey, type SyncRecord } from '../src/shared/sync/sync-records.js';
import { bridgeTestPlanYaml } from '../test/fixtures/plans/bridge-test-plan.js';

const CONSOLES = 4;
const RUNS_PER_CONSOLE = 25;
const EVENTS_PER_RUN = 49;
/** What a console's outbox sends in one push when it has a backlog. */
const BATCH = 200;
const PAGE = 500;

const work = mkdtempSync(join(tmpdir(), 'zhili-store-bench-'));
const logger = createFileLogger({ directory: join(work, 'logs'), name: 'bench', level: 'error' });
const serverUrl = process.env.ZHILI_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const operator: Actor = { kind: 'operator', name: 'bench', window: 'bench' };
const parsed = parsePlanFile('bridge-test.yaml', bridgeTestPlanYaml);
if (!parsed.ok) throw new Error('the bridge test plan does not parse');
const plan = { ...parsed.plan, id: 'bench-plan', version: 1 };

/** Each console's records in the order its outbox sends them: its runs, each followed by its events. */
function consoleRecords(origin: string): SyncRecord[] {
  const records: SyncRecord[] = [];
  for (let run = 0; run < RUNS_PER_CONSOLE; run++) {
    const runId = `${origin}-run-${run}`;
    records.push({ kind: 'run', key: runKey(runId), origin, body: { runId, planId: plan.id, planVersion: 1, mode: 'drill', drillId: null, startedAt: new Date(0).toISOString() } });
    for (let seq = 1; seq <= EVENTS_PER_RUN; seq++) {
      records.push({ kind: 'run-event', key: runEventKey(runId, seq), origin, body: { runId, seq, event: { type: 'step-acknowledged', at: new Date(seq * 1000).toISOString(), by: operator, stepId: 'inspect' } } });
    }
  }
  return records;
}

async function measure(location: StoreLocation): Promise<{ pushPerSecond: number; pullPerSecond: number; bothPerSecond: number; records: number }> {
  const store = await openBackendStore(location, { logger, slowQueryMs: 0 });
  try {
    const sync = new SyncStore(store, logger);
    await sync.push([{ kind: 'plan-version', key: planVersionKey(plan.id, 1), origin: 'console-0', body: { plan, sha256: 'bench', sourceFile: 'bench.yaml' } }], 'console-0');
    const origins = Array.from({ length: CONSOLES }, (_, index) => `console-${index}`);
    const outboxes = origins.map(consoleRecords);
    const records = outboxes.reduce((sum, outbox) => sum + outbox.length, 0);
    const pushStart = performance.now();
    await Promise.all(
      origins.map(async (origin, index) => {
        const outbox = outboxes[index] as SyncRecord[];
        for (let start = 0; start < outbox.length; start += BATCH) {
          const result = await sync.push(outbox.slice(start, start + BATCH), origin);
          if (result.refused.length > 0 || result.conflicts.length > 0) throw new Error(`the bench's records were refused: ${JSON.stringify(result.refused[0] ?? result.conflicts[0])}`);
        }
      }),
    );
    const pushMs = performance.now() - pushStart;
    const pullStart = performance.now();
    let cursor = 0;
    let pulled = 0;
    for (;;) {
      const page = await sync.pull(cursor, PAGE);
      pulled += page.records.length;
      cursor = page.through;
      if (!page.more) break;
    }
    const pullMs = performance.now() - pullStart;
    if (pulled !== records + 1) throw new Error(`pulled ${pulled} records of ${records + 1}`);
    return { records, pushPerSecond: records / (pushMs / 1000), pullPerSecond: pulled / (pullMs / 1000), bothPerSecond: records / ((pushMs + pullMs) / 1000) };
  } finally {
    await store.close();
  }
}

const database = `zhili_bench_${randomBytes(6).toString('hex')}`;
const server = new pg.Client({ connectionString: serverUrl });
await server.connect();
try {
  await server.query(`CREATE DATABASE ${database}`);
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${database}`;
  const sqlite = await measure({ engine: 'sqlite', file: join(work, 'backend.sqlite') });
  const postgres = await measure({ engine: 'postgres', url: databaseUrl.toString() });
  const rate = (value: number) => `${Math.round(value).toLocaleString('en')} records/s`;
  console.log(
    `store: sync push+pull of ${sqlite.records.toLocaleString('en')} records from ${CONSOLES} consoles at once: SQLite ${rate(sqlite.bothPerSecond)} (push ${rate(sqlite.pushPerSecond)}, pull ${rate(sqlite.pullPerSecond)}), PostgreSQL ${rate(postgres.bothPerSecond)} (push ${rate(postgres.pushPerSecond)}, pull ${rate(postgres.pullPerSecond)}) = ${(postgres.bothPerSecond / sqlite.bothPerSecond).toFixed(2)}x SQLite's`,
  );
} finally {
  await server.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await server.end();
  rmSync(work, { recursive: true, force: true });
}
