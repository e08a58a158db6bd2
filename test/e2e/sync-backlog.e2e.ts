import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { BACKEND_PROTOCOL_VERSION } from '../../src/shared/backend/protocol.js';
import { runEventKey, type SyncRecord } from '../../src/shared/sync/sync-records.js';
import { call, connectHost } from '../helpers/host-client.js';
import { enrolConsole } from '../helpers/backend-consoles.js';
import { startProcess, type RunningProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { waitUntil } from '../helpers/wait.js';

type Running = RunningProcess & { match: RegExpMatchArray };

/** The scenario (1,500 runs while a console was away, then 600 more while it catches up), with a backlog of 10,000 records. */
const BACKLOG_RUNS = 2000;
const LIVE_RUNS = 600;

/** A plan with no drill script (a drill of the bridge plan stages incidents at the backend, which is not measured here). */
const backlogPlanYaml = `formatVersion: 1
id: backlog-test
version: 1
title: { zh: 同步积压测试预案, en: Sync backlog test plan }
summary: { zh: 测试, en: Test }
incidentTypes: [gas-concentration]
roles:
  dutyOfficer: { title: { zh: 值班长, en: Duty officer } }
steps:
  - { id: check, type: task, title: { zh: 核实, en: Check }, owner: dutyOfficer }
  - { id: report, type: task, title: { zh: 上报, en: Report }, owner: dutyOfficer }
`;

/** Reads a SQLite database a running process holds open (WAL: a reader does not block its writer). */
function query<T>(file: string, sql: string): T[] {
  const db = new Database(file, { fileMustExist: true, timeout: 5000 });
  try {
    return db.prepare<[], T>(sql).all();
  } finally {
    db.close();
  }
}

/** Starts `count` runs on a console, `inFlight` calls at a time, as operators on several windows would. */
async function startRuns(client: WebSocketBridge, count: number, inFlight = 8): Promise<void> {
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      const { state } = await call(client, 'runs.start', { planId: 'backlog-test', incidentId: null, mode: 'drill' });
      // One command per run as well, so runs carry events written after their start.
      await call(client, 'runs.command', { runId: state.runId, command: { type: 'complete', stepId: 'check' } });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/**
 * The scenario of issue #13 with real processes: a standalone backend and two consoles; one console is killed while
 * the other starts a backlog of runs, and comes back while live records keep flowing; the backend is killed outright
 * mid-stream too. Every run and run event must reach the returning console exactly once, and a poison record pushed
 * by a client that is not a console must neither end a process nor stop anyone's sync.
 */
describe('sync: a large backlog overlapping live records', () => {
  let work: string;
  let backend: Running;
  let backendPort = '0';
  const hosts: Partial<Record<'a' | 'c', { host: Running; client: WebSocketBridge }>> = {};

  const startBackend = async () => {
    backend = await startProcess('out/backend/backend.mjs', ['--port', backendPort, '--data-dir', join(work, 'backend'), '--city-dir', testCityDir(), '--demo-ptz-cameras', '0'], /Zhili backend: http:\/\/127\.0\.0\.1:(\d+)/);
    backendPort = backend.match[1] as string;
  };
  /** Each console is enrolled once and keeps its credential across restarts. */
  const credentialFiles: Partial<Record<'a' | 'c', string>> = {};
  const startConsole = async (name: 'a' | 'c') => {
    credentialFiles[name] ??= await enrolConsole(join(work, 'backend'), `console-${name}`);
    const host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, name), '--city-dir', testCityDir(), '--plans-dir', join(work, 'plans'), '--backend-url', `http://127.0.0.1:${backendPort}`, '--demo-ptz-cameras', '0', '--backend-token-file', credentialFiles[name]],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    hosts[name] = { host, client: await connectHost(host.match[1] as string) };
    return hosts[name];
  };
  const client = (name: 'a' | 'c') => (hosts[name] as { client: WebSocketBridge }).client;
  const backendLog = () => join(work, 'backend', 'backend', 'backend.sqlite');
  const lastSeq = () => query<{ seq: number | null }>(backendLog(), 'SELECT MAX(seq) AS seq FROM sync_log')[0]?.seq ?? 0;
  /** Every run event a database holds, as `run#seq`, sorted, with a count of duplicates. */
  const heldEvents = (file: string, sql: string) => query<{ id: string }>(file, sql).map((row) => row.id).sort();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-sync-backlog-'));
    mkdirSync(join(work, 'plans'));
    writeFileSync(join(work, 'plans', 'backlog-test.yaml'), backlogPlanYaml);
    await startBackend();
    await startConsole('a');
    await startConsole('c');
    for (const name of ['a', 'c'] as const) await waitUntil(() => call(client(name), 'sync.status', {}), (status) => status.pending === 0, `console ${name}'s outbox to empty`);
  });

  afterAll(async () => {
    for (const entry of Object.values(hosts)) {
      entry.client.dispose();
      await entry.host.stop();
    }
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('delivers every run and run event exactly once to a console that was killed during the backlog', async () => {
    // Console c dies outright; console a goes on.
    client('c').dispose();
    await hosts.c?.host.stop('SIGKILL');
    await startRuns(client('a'), BACKLOG_RUNS);
    await waitUntil(() => call(client('a'), 'sync.status', {}), (status) => status.pending === 0, "console a's backlog to reach the backend", 60_000);
    const backlogThrough = lastSeq();

    // Console c comes back while a keeps starting runs; the backend is killed outright once, mid-stream.
    const back = Date.now();
    await startConsole('c');
    let caughtUpMs = 0;
    const watchCatchUp = (async () => {
      const status = await waitUntil(() => call(client('c'), 'sync.status', {}), (status) => status.cursor >= backlogThrough, 'console c to catch up on the backlog', 120_000);
      caughtUpMs = Date.now() - back;
      return status;
    })();
    const live = startRuns(client('a'), LIVE_RUNS / 2);
    await live;
    await backend.stop('SIGKILL');
    await startBackend();
    await startRuns(client('a'), LIVE_RUNS / 2);
    await watchCatchUp;

    await waitUntil(() => call(client('a'), 'sync.status', {}), (status) => status.pending === 0, "console a's outbox to empty", 60_000);
    const end = lastSeq();
    const settled = await waitUntil(() => call(client('c'), 'sync.status', {}), (status) => status.cursor === end, 'console c to apply the whole log', 120_000);
    const totalMs = Date.now() - back;

    const logEvents = heldEvents(backendLog(), "SELECT json_extract(body_json, '$.body.runId') || '#' || json_extract(body_json, '$.body.seq') AS id FROM sync_log WHERE kind = 'run-event'");
    const logRuns = heldEvents(backendLog(), "SELECT json_extract(body_json, '$.body.runId') AS id FROM sync_log WHERE kind = 'run'");
    const cEvents = heldEvents(join(work, 'c', 'console.sqlite'), "SELECT run_id || '#' || seq AS id FROM run_events");
    const cRuns = heldEvents(join(work, 'c', 'console.sqlite'), 'SELECT run_id AS id FROM runs');
    const aEvents = heldEvents(join(work, 'a', 'console.sqlite'), "SELECT run_id || '#' || seq AS id FROM run_events");
    console.log(
      `sync backlog: ${BACKLOG_RUNS} + ${LIVE_RUNS} runs, ${logRuns.length} runs and ${logEvents.length} run events in the log (${end} records); ` +
        `console c caught up on ${backlogThrough} backlog records in ${caughtUpMs} ms while live records flowed, and held all ${end} ${totalMs} ms after its start ` +
        `(the backend killed and restarted once meanwhile)`,
    );
    expect(logRuns).toHaveLength(BACKLOG_RUNS + LIVE_RUNS);
    // Every record exactly once: the same sets, and no run event twice (a set the size of the list).
    expect(cRuns).toEqual(logRuns);
    expect(cEvents).toEqual(logEvents);
    expect(aEvents).toEqual(logEvents);
    expect(new Set(cEvents).size).toBe(cEvents.length);
    expect(settled).toMatchObject({ pending: 0, setAsideCount: 0, conflicts: [] });
  }, 600_000);

  it('refuses a poison record from an enrolled client that is not a console, and every process and sync goes on', async () => {
    const credential = readFileSync(await enrolConsole(join(work, 'backend'), 'rogue'), 'utf8').trim();
    const rogue = io(`http://127.0.0.1:${backendPort}`, { transports: ['websocket'], forceNew: true, auth: { protocol: BACKEND_PROTOCOL_VERSION, consoleId: 'rogue', appVersion: 'x', credential } });
    const poison: SyncRecord = {
      kind: 'run-event',
      key: runEventKey('RUN-NOBODY', 1),
      origin: 'rogue',
      body: { runId: 'RUN-NOBODY', seq: 1, event: { type: 'step-acknowledged', at: new Date().toISOString(), by: { kind: 'system' }, stepId: 'inspect' } },
    };
    const someRun = query<{ run_id: string }>(join(work, 'a', 'console.sqlite'), "SELECT run_id FROM runs WHERE status = 'active' LIMIT 1")[0]?.run_id as string;
    const intruder: SyncRecord = { ...poison, key: runEventKey(someRun, 99), body: { ...poison.body, runId: someRun, seq: 99 } };
    const answer = await rogue.timeout(5000).emitWithAck('sync:push', [poison, intruder, { kind: 'run-event', key: 'x' }]);
    rogue.disconnect();
    expect(answer).toMatchObject({
      ok: true,
      value: { stored: [], refused: [{ reason: 'unknown-run' }, { reason: 'not-run-owner' }, { reason: 'invalid-record' }] },
    });
    // Both consoles still run and still sync: a new run reaches the other console.
    const { state } = await call(client('a'), 'runs.start', { planId: 'backlog-test', incidentId: null, mode: 'drill' });
    await expect.poll(async () => (await call(client('c'), 'runs.get', { runId: state.runId })).state.runId, { timeout: 10_000 }).toBe(state.runId);
    for (const process of [backend, hosts.a?.host, hosts.c?.host]) expect(process?.child.exitCode).toBeNull();
  });
});
