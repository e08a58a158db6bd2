/**
 * Ingestion figures for issue #16, each as a ratio to a bare relay measured in the same run:
 *  - the backend as shipped (`startBackend`, taking a site's broker through `$share/zhili-backend/zhili/v1/#`) on a
 *    city of 10,000 vehicles and 50,000 sensors (bench/ingest/synthetic-city.ts), with 20 credentialed consoles:
 *    latency from publication to a console's receipt at the realistic rate, and the highest rate it keeps up with;
 *  - the bare relay: the same MQTT client and shared subscription in this process, forwarding each raw message to
 *    socket.io (`io.emit`) with no parsing, checks or store, to 20 plain socket.io consoles; once per message (the
 *    literal relay) and once batched per tick (the same 1 s batching as the backend's feed, so the difference is the
 *    work of ingestion itself);
 *  - the backend's memory over a run at the realistic rate (ZHILI_BENCH_INGEST_MEMORY_S, default 60 s; the issue's
 *    figure is 600).
 *
 * The devices publish from a child process (bench/ingest/publisher.ts) to Mosquitto; the consoles run in another
 * (bench/ingest/consoles.ts, which says why); this process holds only what is measured. The realistic rate, "1x", is
 * every vehicle once a second, every sensor once a minute, and bursts of 100 alarms every 30 s, cleared 10 s later:
 * about 10,840 messages a second. The ramp raises it until the subject falls behind: it takes in under 95% of what was
 * published in the step (a slower reader, messages the broker dropped, rate-limited ones), or the median message
 * waits more than a second beyond its tick.
 *
 * Figures are ratios on this machine (2 shared cores, the broker, the publisher and the consoles beside the subject),
 * not absolute claims. `npx tsx --expose-gc bench/ingest.bench.ts` (also run by `npm run bench`); Mosquitto on
 * ZHILI_BENCH_MQTT_URL (default mqtt://127.0.0.1:1883); ZHILI_BENCH_INGEST_PHASES (default
 * `steady,ramp,memory`), ZHILI_BENCH_INGEST_SUBJECTS (default `zhili,relay-message,relay-tick`),
 * ZHILI_BENCH_INGEST_STEADY_S (20), ZHILI_BENCH_INGEST_STEP_S (6).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { Server } from 'socket.io';
import { startBackend, type RunningBackend } from '../src/backend/backend-server.js';
import { ConsoleCredentials } from '../src/backend/consoles/index.js';
import { backendStoreLocation, openBackendStore } from '../src/backend/db/backend-store.js';
import { SHARE_GROUP } from '../src/backend/ingest/external-broker.js';
import { createFileLogger } from '../src/node/logger.js';
import { INGEST_TOPIC_ROOT } from '../src/shared/ingest/index.js';
import { ensureTestCity } from '../test/helpers/global-setup.js';
import { repoRoot } from '../test/helpers/processes.js';
import { TEST_CITY_COMPONENTS, testCityDir } from '../test/helpers/test-city.js';
import { waitUntil } from '../test/helpers/wait.js';
import type { ConsolesCommand, ConsolesMode, ConsolesReply, Percentiles } from './ingest/consoles.js';
import { REALISTIC_RATE, SENSORS, VEHICLES, type PublisherCommand, type PublisherReport } from './ingest/mix.js';
import { sensorId, writeSyntheticCity } from './ingest/synthetic-city.js';
import { backgroundLoad, cpuTimes } from './machine.js';

const number = (name: string, fallback: number) => Math.max(1, Number(process.env[name] ?? fallback));
const MQTT_URL = process.env.ZHILI_BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const PHASES = new Set((process.env.ZHILI_BENCH_INGEST_PHASES ?? 'steady,ramp,memory').split(','));
const SUBJECTS = new Set((process.env.ZHILI_BENCH_INGEST_SUBJECTS ?? 'zhili,relay-message,relay-tick').split(','));
const STEADY_S = number('ZHILI_BENCH_INGEST_STEADY_S', 20);
const STEP_S = number('ZHILI_BENCH_INGEST_STEP_S', 6);
const MEMORY_S = number('ZHILI_BENCH_INGEST_MEMORY_S', 60);
const CONSOLES = 20;
const TICK_MS = 1000;
const SCALES = [0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12];
const WARM_UP_S = 2;

const log = (line: string) => console.log(`ingest: ${line}`);
const rate = (value: number) => `${Math.round(value).toLocaleString('en')}/s`;
const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}x`;
const latency = (figures: Percentiles) => (figures.count === 0 ? 'n/a' : `p50 ${figures.p50} ms, p99 ${figures.p99} ms`);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

const probe = await connectAsync(MQTT_URL, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3000 }).catch(() => null);
if (probe === null) {
  log(`SKIPPED, no MQTT broker at ${MQTT_URL} (start Mosquitto 2 there, or set ZHILI_BENCH_MQTT_URL)`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'zhili-bench-ingest-'));
const logger = createFileLogger({ directory: join(work, 'logs'), name: 'bench', level: 'error' });
const tsx = { execArgv: ['--import', 'tsx'], cwd: repoRoot };

// ---- the devices ----

class Publisher {
  private readonly child: ChildProcess;
  private waiting: (() => void)[] = [];
  last: PublisherReport = { type: 'published', total: 0, backlogBytes: 0 };

  constructor(cityDir: string) {
    this.child = fork(join(repoRoot, 'bench', 'ingest', 'publisher.ts'), [MQTT_URL, cityDir], tsx);
    this.child.on('message', (report: PublisherReport) => {
      this.last = report;
      for (const wake of this.waiting.splice(0)) wake();
    });
  }

  /** Resolves after `count` more of its once-a-second reports: the steps' clock, in the publisher's own seconds. */
  async reports(count: number): Promise<PublisherReport> {
    for (let seen = 0; seen < count; seen += 1) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.last;
  }

  scale(scale: number): void {
    this.child.send({ type: 'scale', scale } satisfies PublisherCommand);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.send({ type: 'stop' } satisfies PublisherCommand);
    });
  }

  pid(): number {
    return this.child.pid ?? 0;
  }
}

// ---- the consoles ----

class Consoles {
  private readonly child: ChildProcess;
  private nextId = 0;
  private readonly pending = new Map<number, (reply: Extract<ConsolesReply, { type: 'snapshot' }>) => void>();

  private constructor(child: ChildProcess) {
    this.child = child;
    child.on('message', (reply: ConsolesReply) => {
      if (reply.type === 'snapshot') this.pending.get(reply.id)?.(reply);
    });
  }

  static async connect(url: string, mode: ConsolesMode, consoles: { consoleId: string; credential: string | null }[]): Promise<Consoles> {
    const child = fork(join(repoRoot, 'bench', 'ingest', 'consoles.ts'), [], tsx);
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the consoles' process exited (${code})`)));
      child.once('message', () => resolve());
      child.send({ type: 'connect', url, mode, consoles } satisfies ConsolesCommand);
    });
    child.removeAllListeners('exit');
    return new Consoles(child);
  }

  snapshot(reset: boolean): Promise<Extract<ConsolesReply, { type: 'snapshot' }>> {
    const id = (this.nextId += 1);
    return new Promise((resolve) => {
      this.pending.set(id, (reply) => {
        this.pending.delete(id);
        resolve(reply);
      });
      this.child.send({ type: 'snapshot', id, reset } satisfies ConsolesCommand);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.send({ type: 'close' } satisfies ConsolesCommand);
    });
  }

  pid(): number {
    return this.child.pid ?? 0;
  }
}

// ---- what is measured ----

interface Subject {
  readonly name: string;
  readonly consoles: Consoles;
  /** Messages taken from the broker so far, and (the backend only) how many of them were refused, by reason. */
  taken(): Promise<{ taken: number; refused: Record<string, number> }>;
  /** Its own verdict on a step: the latency that grows without bound once it falls behind. */
  backlogLatency(snapshot: Extract<ConsolesReply, { type: 'snapshot' }>): Percentiles;
  close(): Promise<void>;
}

async function startZhili(cityDir: string): Promise<Subject> {
  const dataDir = mkdtempSync(join(work, 'backend-'));
  // Twenty consoles, each enrolled as an operator enrols one (`--enrol-console`), in the database the backend opens.
  const store = await openBackendStore(backendStoreLocation(dataDir, null), { logger });
  const credentials = new ConsoleCredentials(store);
  const consoles = [];
  for (let index = 0; index < CONSOLES; index += 1) consoles.push({ consoleId: randomUUID(), credential: (await credentials.enrol(`bench-${index}`)).credential });
  await store.close();
  const backend: RunningBackend = await startBackend({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    cityDir,
    videoDir: join(repoRoot, 'resources', 'video', 'demo'),
    camerasFile: null,
    inProcessConsoleCredential: null,
    appVersion: 'bench',
    logger,
    sip: { kind: 'none' },
    demoPtzCameras: 0,
    tickMs: TICK_MS,
    mqtt: { kind: 'external', url: MQTT_URL, username: null, password: null, caFile: null },
    simulator: 'none',
  });
  const source = `mqtt:${new URL(MQTT_URL).hostname}`;
  const taken = async () => {
    const stats = backend.ingestion().sources.find((entry) => entry.source === source);
    const refused = stats?.rejected ?? {};
    return { taken: (stats?.accepted ?? 0) + Object.values(refused).reduce((sum, count) => sum + count, 0), refused };
  };
  // Subscribed once a probe gets through (the subscription is made just after the connection).
  await waitUntil(
    async () => {
      await probe?.publishAsync(`${INGEST_TOPIC_ROOT}/sensors/${sensorId(0)}/reading`, JSON.stringify({ value: 0, at: new Date().toISOString() }), { qos: 1 });
      return (await taken()).taken;
    },
    (count) => count > 0,
    'the backend to take a probe from the broker',
    30_000,
  );
  const connected = await Consoles.connect(backend.url, 'zhili', consoles);
  return {
    name: 'zhili',
    consoles: connected,
    taken,
    // Beyond the tick: a message that misses flush after flush is one the backend has not reached.
    backlogLatency: (snapshot) => snapshot.beyondTick,
    close: async () => {
      await connected.close();
      await backend.close();
    },
  };
}

/** The bare relay: no parsing, no checks, no store; `per-tick` holds raw messages for the tick as the feed does. */
async function startRelay(batching: 'per-message' | 'per-tick'): Promise<Subject> {
  const http = createServer();
  const io = new Server(http, { serveClient: false, transports: ['websocket'] });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as { port: number }).port;
  const client = await connectAsync(MQTT_URL, { protocolVersion: 5, clean: true, reconnectPeriod: 0, clientId: `zhili-relay-${randomUUID().slice(0, 8)}` });
  let taken = 0;
  let batch: [string, string][] = [];
  let seq = 0;
  client.on('message', (topic, payload) => {
    taken += 1;
    if (batching === 'per-message') io.emit('raw', topic, payload.toString());
    else batch.push([topic, payload.toString()]);
  });
  const timer = setInterval(() => {
    if (batch.length === 0) return;
    io.emit('raw-batch', (seq += 1), batch);
    batch = [];
  }, TICK_MS);
  await client.subscribeAsync(`$share/${SHARE_GROUP}/${INGEST_TOPIC_ROOT}/#`, { qos: 1 });
  const consoles = Array.from({ length: CONSOLES }, () => ({ consoleId: randomUUID(), credential: null }));
  const connected = await Consoles.connect(`http://127.0.0.1:${port}`, batching === 'per-message' ? 'relay-message' : 'relay-tick', consoles);
  return {
    name: `bare relay, ${batching}`,
    consoles: connected,
    taken: () => Promise.resolve({ taken, refused: {} }),
    // The per-tick relay's median wait is half a tick when it keeps up; the per-message one's is milliseconds.
    backlogLatency: (snapshot) => (batching === 'per-message' ? snapshot.e2e : { ...snapshot.e2e, p50: snapshot.e2e.p50 - TICK_MS / 2 }),
    close: async () => {
      clearInterval(timer);
      await connected.close();
      await client.endAsync(true);
      await new Promise<void>((resolve) => void io.close(() => resolve()));
    },
  };
}

interface Step {
  scale: number;
  offered: number;
  taken: number;
  refused: Record<string, number>;
  /** Cores used by this process (the subject) and by the whole machine over the step. */
  subjectCores: number;
  machineBusy: number;
  consoles: Extract<ConsolesReply, { type: 'snapshot' }>;
  publisherBacklogBytes: number;
  /** Rate-limited: the backend refused what was over its source's rate (the site broker's), whatever it could take. */
  verdict: 'keeps up' | 'falls behind' | 'rate-limited' | 'publisher-bound';
}

/** Until the subject has taken in everything and its consoles have seen it all: neither count moves between two reads. */
async function drained(subject: Subject): Promise<void> {
  let last = '';
  await waitUntil(
    async () => {
      const now = `${(await subject.taken()).taken}/${(await subject.consoles.snapshot(false)).messages}`;
      const same = now === last;
      last = now;
      return same;
    },
    Boolean,
    `${subject.name} to drain`,
    120_000,
  );
}

async function measure(subject: Subject, publisher: Publisher, scale: number, seconds: number): Promise<Step> {
  publisher.scale(scale);
  await publisher.reports(WARM_UP_S);
  const before = { ...(await subject.taken()), published: publisher.last.total, cpu: process.cpuUsage(), machine: cpuTimes(), at: performance.now() };
  await subject.consoles.snapshot(true);
  const report = await publisher.reports(seconds);
  const after = { ...(await subject.taken()), published: report.total, cpu: process.cpuUsage(before.cpu), machine: cpuTimes(), at: performance.now() };
  const consoles = await subject.consoles.snapshot(true);
  publisher.scale(0);
  await drained(subject);
  const elapsedS = (after.at - before.at) / 1000;
  // Published counts come with the publisher's once-a-second reports, exactly `seconds` apart; the bench's own clock
  // would also count how long the subject took to answer for its count.
  const offered = (after.published - before.published) / seconds;
  const taken = (after.taken - before.taken) / elapsedS;
  const refused = Object.fromEntries(Object.entries(after.refused).map(([reason, count]) => [reason, count - (before.refused[reason] ?? 0)]).filter(([, count]) => (count as number) > 0));
  const backlog = subject.backlogLatency(consoles);
  const verdict =
    offered < 0.9 * scale * REALISTIC_RATE
      ? 'publisher-bound'
      : (refused['rate-limited'] ?? 0) > 0
        ? 'rate-limited'
        : taken < 0.95 * offered || backlog.p50 > 1000
          ? 'falls behind'
          : 'keeps up';
  return {
    scale,
    offered,
    taken,
    refused,
    subjectCores: (after.cpu.user + after.cpu.system) / 1e6 / elapsedS,
    machineBusy: (after.machine.busy - before.machine.busy) / Math.max(1, after.machine.total - before.machine.total),
    consoles,
    publisherBacklogBytes: report.backlogBytes,
    verdict,
  };
}

/** The subject's own CPU per message taken in: what the shared machine's load changes least. */
const cpuPerMessage = (step: Step) => (step.subjectCores * 1e6) / Math.max(1, step.taken);

function describeStep(subject: Subject, step: Step): string {
  const refused = Object.entries(step.refused).map(([reason, count]) => `${reason} ${count}`).join(', ');
  return [
    `${subject.name} at ${step.scale}x: published ${rate(step.offered)}, taken in ${rate(step.taken)}${refused ? ` (refused: ${refused})` : ''}`,
    `${step.verdict}; this process ${(step.subjectCores * 100).toFixed(0)}% of a core (${cpuPerMessage(step).toFixed(1)} µs a message), machine ${(step.machineBusy * 100).toFixed(0)}% busy`,
    `publication to console ${latency(step.consoles.e2e)}`,
  ].join('; ');
}

/** The realistic rate for STEADY_S, then the ramp until the subject falls behind. */
async function run(subject: Subject, publisher: Publisher): Promise<{ steady: Step | null; ramp: Step[] }> {
  let steady: Step | null = null;
  if (PHASES.has('steady')) {
    steady = await measure(subject, publisher, 1, STEADY_S);
    log(describeStep(subject, steady));
    if (subject.name === 'zhili') {
      log(
        `zhili at 1x: of that, flush start to receipt (the tick's fan-out to 20 consoles) ${latency(steady.consoles.delivery)}; ` +
          `receipt less the first flush after publication (all but the tick's batching wait) ${latency(steady.consoles.beyondTick)}, ` +
          `${((100 * steady.consoles.missedTick) / Math.max(1, steady.consoles.messages)).toFixed(2)}% of messages missing that flush (published closer to it than ingestion took, so a tick later); ` +
          `at the first console to receive each tick ${latency(steady.consoles.firstConsole)}`,
      );
    }
  }
  const ramp: Step[] = [];
  if (PHASES.has('ramp')) {
    for (const scale of SCALES) {
      const step = await measure(subject, publisher, scale, STEP_S);
      ramp.push(step);
      log(`ramp: ${describeStep(subject, step)}`);
      if (step.verdict !== 'keeps up') break;
    }
  }
  return { steady, ramp };
}

/** The highest rate taken in while keeping up, and what was taken in at the step where it fell behind. */
function saturation(ramp: Step[]): { sustained: number; atSaturation: number | null; bound: string } {
  const kept = ramp.filter((step) => step.verdict === 'keeps up');
  const last = ramp.at(-1);
  return {
    sustained: Math.max(0, ...kept.map((step) => step.taken)),
    atSaturation: last && last.verdict !== 'keeps up' && last.verdict !== 'publisher-bound' ? last.taken : null,
    bound: last === undefined ? 'not run' : last.verdict === 'keeps up' ? `kept up to ${last.scale}x, the ramp's end` : `${last.verdict} at ${last.scale}x`,
  };
}

async function memory(cityDir: string, publisher: Publisher): Promise<void> {
  const subject = await startZhili(cityDir);
  publisher.scale(1);
  const sample = () => {
    global.gc?.();
    return process.memoryUsage();
  };
  // The first ten seconds fill the registry's buffers and the connections' own; the figure starts after them.
  await publisher.reports(10);
  const start = sample();
  let peakRss = start.rss;
  for (let elapsed = 0; elapsed < MEMORY_S; elapsed += 10) {
    await publisher.reports(Math.min(10, MEMORY_S - elapsed));
    peakRss = Math.max(peakRss, sample().rss);
  }
  const end = sample();
  publisher.scale(0);
  const { taken, refused } = await subject.taken();
  await drained(subject);
  await subject.close();
  const change = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(1)}%`;
  log(
    `memory of the backend at 1x over ${MEMORY_S} s (after a 10 s warm-up, after a GC): RSS ${mb(start.rss)} -> ${mb(end.rss)} (${change(start.rss, end.rss)}, peak ${mb(peakRss)}), ` +
      `heap used ${mb(start.heapUsed)} -> ${mb(end.heapUsed)} (${change(start.heapUsed, end.heapUsed)}); ${taken.toLocaleString('en')} messages taken in` +
      `${Object.keys(refused).length > 0 ? `, refused ${JSON.stringify(refused)}` : ''}; the issue's target: flat within 10% over 600 s`,
  );
}

try {
  log(`machine busy ${(100 * (await backgroundLoad())).toFixed(0)}% before the bench (other work beside it)`);
  await ensureTestCity(TEST_CITY_COMPONENTS, testCityDir());
  const cityDir = join(work, 'city');
  writeSyntheticCity(testCityDir(), cityDir, { vehicles: VEHICLES, sensors: SENSORS });
  log(`city: ${VEHICLES.toLocaleString('en')} vehicles, ${SENSORS.toLocaleString('en')} sensors, the test city's crews; realistic rate (1x) ${rate(REALISTIC_RATE)}; broker ${MQTT_URL}`);
  const publisher = new Publisher(cityDir);
  await publisher.reports(1);
  const results = new Map<string, { steady: Step | null; ramp: Step[] }>();
  if (PHASES.has('steady') || PHASES.has('ramp')) {
    const starts = { zhili: () => startZhili(cityDir), 'relay-message': () => startRelay('per-message'), 'relay-tick': () => startRelay('per-tick') };
    for (const [name, start] of Object.entries(starts)) {
      if (!SUBJECTS.has(name)) continue;
      const subject = await start();
      try {
        results.set(subject.name, await run(subject, publisher));
      } finally {
        await subject.close();
      }
    }
    const ours = results.get('zhili');
    for (const [name, relay] of results) {
      if (name === 'zhili' || !ours) continue;
      if (ours.steady && relay.steady) {
        log(`at 1x, zhili vs ${name}: publication to console p50 ${ratio(ours.steady.consoles.e2e.p50, relay.steady.consoles.e2e.p50)}, p99 ${ratio(ours.steady.consoles.e2e.p99, relay.steady.consoles.e2e.p99)} the relay's; CPU of the subject ${ratio(ours.steady.subjectCores, relay.steady.subjectCores)}`);
        // Messages a second per core of the subject's own CPU: the ceiling each would reach on a core of its own, where
        // the ramp's saturation is the whole shared machine's (broker, publisher, consoles and other work beside it).
        log(
          `at 1x, messages a second per core the subject used: zhili ${rate(1e6 / cpuPerMessage(ours.steady))} = ${ratio(cpuPerMessage(relay.steady), cpuPerMessage(ours.steady))} ${name}'s ${rate(1e6 / cpuPerMessage(relay.steady))}; the issue's target: at least 0.5x`,
        );
      }
      if (ours.ramp.length > 0 && relay.ramp.length > 0) {
        const a = saturation(ours.ramp);
        const b = saturation(relay.ramp);
        log(
          `max sustained, zhili vs ${name}: ${rate(a.sustained)} (${a.bound}) = ${ratio(a.sustained, b.sustained)} the relay's ${rate(b.sustained)} (${b.bound}); ` +
            `taken in at saturation ${a.atSaturation === null ? 'n/a' : rate(a.atSaturation)} vs ${b.atSaturation === null ? 'n/a' : rate(b.atSaturation)}` +
            `${a.atSaturation !== null && b.atSaturation !== null ? ` = ${ratio(a.atSaturation, b.atSaturation)}` : ''}; the issue's target: at least 0.5x`,
        );
      }
    }
  }
  if (PHASES.has('memory')) await memory(cityDir, publisher);
  await publisher.stop();
} finally {
  await probe.endAsync(true);
  rmSync(work, { recursive: true, force: true });
}
