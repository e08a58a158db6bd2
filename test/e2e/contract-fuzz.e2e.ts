import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WebSocket, type RawData } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { apiMethodNames, apiMethods, isApiEventName, isApiMethodName } from '../../src/shared/contract/api.js';
import { apiErrorCodes } from '../../src/shared/contract/errors.js';
import { ClientMessageSchema, WEB_SOCKET_PATH } from '../../src/shared/contract/wire.js';
import { BACKEND_PROTOCOL_VERSION, BackendHandshakeSchema, backendMethods, type BackendMethodName } from '../../src/shared/backend/protocol.js';
import { call, connectHost } from '../helpers/host-client.js';
import { enrolConsole } from '../helpers/backend-consoles.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { waitUntil } from '../helpers/wait.js';
import {
  deeplyNestedJson,
  fuzzSeed,
  invalidUtf8,
  randomBytes,
  randomJson,
  randomObject,
  randomString,
  seededRng,
  type Rng,
} from '../helpers/fuzz-inputs.js';

type Running = Awaited<ReturnType<typeof startProcess>>;

const WEB_MESSAGES = 10_000;
const SOCKET_IO_PACKETS = 2_000;
const MESSAGE_CAP = 1024 * 1024;
const seed = fuzzSeed();

/**
 * The contract fuzz of issue #13: malformed WebSocket messages at the web host and malformed socket.io packets at a
 * standalone backend, all generated from one printed seed (ZHILI_FUZZ_SEED replays a run). No process may end, every
 * message must be answered with an error code where the protocol has a reply and logged as a rejection (one line
 * each, counted in the JSON-lines logs), and no database may change.
 */
describe(`contract fuzz (seed ${seed})`, () => {
  let work: string;
  let host: Running;
  let backend: Running;
  let hostBase: string;
  let backendPort: number;

  beforeAll(async () => {
    console.log(`contract fuzz seed: ${seed} (replay with ZHILI_FUZZ_SEED=${seed})`);
    work = mkdtempSync(join(tmpdir(), 'zhili-fuzz-'));
    mkdirSync(join(work, 'plans'));
    const quiet = ['--sip-server', 'none', '--demo-ptz-cameras', '0', '--city-dir', testCityDir()];
    [host, backend] = await Promise.all([
      startProcess('out/main/web-host.mjs', ['--port', '0', '--data-dir', join(work, 'host'), '--plans-dir', join(work, 'plans'), ...quiet], /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/),
      startProcess('out/backend/backend.mjs', ['--port', '0', '--data-dir', join(work, 'backend'), ...quiet], /Zhili backend: http:\/\/127\.0\.0\.1:(\d+)/),
    ]);
    hostBase = host.match[1] as string;
    backendPort = Number(backend.match[1]);
    fuzzCredential = readFileSync(await enrolConsole(join(work, 'backend'), 'fuzz'), 'utf8').trim();
    // Its first connection binds the credential to its console id (a write): done before the databases are read.
    const { ws } = await engineSocket(`ws://127.0.0.1:${backendPort}/socket.io/?EIO=4&transport=websocket`);
    await connectNamespace(ws);
    ws.close();
    // Start-up writes (the console's first sync with its embedded backend) are over before the databases are read.
    const client = await connectHost(hostBase);
    await waitUntil(() => call(client, 'backend.status', {}), (status) => status.state === 'connected', 'the embedded backend');
    await waitUntil(() => call(client, 'sync.status', {}), (status) => status.pending === 0, 'the outbox to empty');
    client.dispose();
  });

  afterAll(async () => {
    await host?.stop();
    await backend?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(`survives ${WEB_MESSAGES} malformed WebSocket messages at the web host, answering and logging each`, async () => {
    const rng = seededRng(seed);
    // The console's database and its embedded backend's.
    const databases = databaseDigests(join(work, 'host'), feedWrittenIncident);
    const logged = rejectionLines(join(work, 'host', 'logs'));
    const started = Date.now();

    const cases = Array.from({ length: WEB_MESSAGES }, (_, index) => webCase(rng, index));
    const pipelined = cases.filter((entry) => !entry.closes);
    const lanes = 4;
    const replies = await Promise.all(Array.from({ length: lanes }, (_, lane) => pipeline(hostSocketUrl(hostBase), pipelined.filter((_, index) => index % lanes === lane))));
    const closing = cases.filter((entry) => entry.closes);
    for (const entry of closing) await sendAndAwaitClose(hostSocketUrl(hostBase), entry);

    const answers = replies.flat();
    expect(answers).toHaveLength(pipelined.length);
    const codes = new Map<string, number>();
    for (const answer of answers) {
      const code = replyErrorCode(answer);
      expect(apiErrorCodes, `a reply that is not an error: ${answer.slice(0, 200)}`).toContain(code);
      codes.set(code as string, (codes.get(code as string) ?? 0) + 1);
    }
    await expect.poll(() => rejectionLines(join(work, 'host', 'logs')).rejected - logged.rejected).toBe(WEB_MESSAGES);
    expect(host.child.exitCode).toBeNull();
    expect((await fetch(new URL('/healthz', hostBase))).status).toBe(200);
    expect(databaseDigests(join(work, 'host'), feedWrittenIncident)).toEqual(databases);
    console.log(
      `web host fuzz: ${WEB_MESSAGES} messages tried (${closing.length} closed their connection), ${rejectionLines(join(work, 'host', 'logs')).rejected - logged.rejected} rejections logged, ` +
        `answers ${JSON.stringify(Object.fromEntries(codes))}, processes lost ${host.child.exitCode === null ? 0 : 1}, ${Date.now() - started} ms; logged: ${JSON.stringify(warnings(join(work, 'host', 'logs')))}`,
    );
  });

  it(`survives ${SOCKET_IO_PACKETS} malformed socket.io packets at a standalone backend, logging each`, async () => {
    const rng = seededRng(seed ^ 0x5eed);
    const databases = databaseDigests(join(work, 'backend'), feedWrittenIncident);
    const logged = rejectionLines(join(work, 'backend', 'logs'));
    const started = Date.now();

    const cases = Array.from({ length: SOCKET_IO_PACKETS }, () => socketIoCase(rng));
    const url = `ws://127.0.0.1:${backendPort}/socket.io/?EIO=4&transport=websocket`;
    const lanes = 4;
    const pipelined = cases.filter((entry) => entry.outcome === 'rejected' || entry.outcome === 'refused');
    const rejected = pipelined.filter((entry) => entry.outcome === 'rejected');
    // A refused handshake is answered only on a connection that has not joined the namespace yet.
    const answers = await Promise.all([
      ...Array.from({ length: lanes }, (_, lane) => pipelineSocketIo(url, rejected.filter((_, index) => index % lanes === lane), true)),
      pipelineSocketIo(url, pipelined.filter((entry) => entry.outcome === 'refused'), false),
    ]);
    const closing = cases.filter((entry) => entry.outcome === 'malformed' || entry.outcome === 'closed');
    const closedSids = new Set<string>();
    for (let index = 0; index < closing.length; index += lanes) {
      for (const sid of await Promise.all(closing.slice(index, index + lanes).map((entry) => socketIoAndAwaitClose(url, entry)))) closedSids.add(sid);
    }

    const expectedAnswers = pipelined.filter((entry) => entry.answered).length;
    expect(answers.flat()).toHaveLength(expectedAnswers);
    for (const answer of answers.flat()) expect(answer, 'an answer that is not a refusal').toMatch(/^4(3\d+\[\{"ok":false,"error":|4)/);
    const malformed = cases.filter((entry) => entry.outcome === 'malformed').length;
    const expected = { rejected: pipelined.length + malformed, closed: closing.length };
    await expect
      .poll(() => {
        // A pipelined connection reset as the test closes it mid-write may log a transport error too: closes are
        // counted for the connections that were sent a closing case.
        const now = rejectionLines(join(work, 'backend', 'logs'), closedSids);
        return { rejected: now.rejected - logged.rejected, closed: now.closed };
      })
      .toEqual(expected);
    expect(backend.child.exitCode).toBeNull();
    const hello = await pipelineSocketIo(url, [{ outcome: 'rejected', frames: ['421["hello",null]'], answered: true }], true);
    expect(hello[0]).toMatch(/^431\[\{"ok":true/);
    expect(databaseDigests(join(work, 'backend'), feedWrittenIncident)).toEqual(databases);
    console.log(
      `backend fuzz: ${SOCKET_IO_PACKETS} packets tried (${closing.length} closed their connection), ${expected.rejected} rejections and ${expected.closed} closes logged, ` +
        `${expectedAnswers} answered with an error, processes lost ${backend.child.exitCode === null ? 0 : 1}, ${Date.now() - started} ms; logged: ${JSON.stringify(warnings(join(work, 'backend', 'logs')))}`,
    );
  });
});

// ---- the web host's WebSocket ----

interface WebCase {
  data: string | Buffer;
  binary: boolean;
  /** Frames the WebSocket layer refuses (over the cap, not UTF-8): the host closes the connection. */
  closes: boolean;
}

const hostSocketUrl = (base: string) => new URL(WEB_SOCKET_PATH, base.replace(/^http/, 'ws')).toString();

function webCase(rng: Rng, index: number): WebCase {
  const text = (data: string): WebCase => ({ data, binary: false, closes: false });
  // A few fixed slots for the expensive cases, so every seed has them.
  if (index % 1000 === 1) return { data: `{"t":"call","id":1,"method":"${'x'.repeat(MESSAGE_CAP)}"}`, binary: false, closes: true };
  if (index % 1000 === 2) return { data: invalidUtf8(rng), binary: false, closes: true };
  if (index % 1000 === 3) return text(JSON.stringify({ t: 'call', id: 1, method: 'm'.repeat(MESSAGE_CAP - 100), params: {} }));
  if (index % 1000 === 4) return text(JSON.stringify({ t: 'call', id: 2, method: 'cameras.search', params: { text: '智'.repeat(300_000), limit: 5 } }));
  if (index % 1000 === 5) return text(JSON.stringify({ t: 'call', id: 3, method: 'settings.update', params: Object.fromEntries(Array.from({ length: 40_000 }, (_, key) => [`k${key}`, key])) }));
  if (index % 1000 === 6) return text(deeplyNestedJson(100_000, rng.chance(0.5) ? 'array' : 'object'));
  const kind = rng.int(10);
  switch (kind) {
    case 0:
    case 1:
      return text(JSON.stringify({ t: 'call', id: rng.int(1e6), method: unknownName(rng, isApiMethodName), params: randomJson(rng) }));
    case 2:
    case 3:
    case 4:
      return text(invalidCall(rng));
    case 5:
      return text(invalidEnvelope(rng));
    case 6:
      return text(JSON.stringify({ t: rng.chance(0.5) ? 'subscribe' : 'unsubscribe', event: unknownName(rng, isApiEventName) }));
    case 7: {
      const depth = rng.pick([64, 1000, 10_000, 30_000]);
      const nested = deeplyNestedJson(depth, rng.chance(0.5) ? 'array' : 'object');
      return text(rng.chance(0.5) ? nested : `{"t":"call","id":7,"method":"${rng.pick(apiMethodNames)}","params":${nested}}`);
    }
    case 8:
      return rng.chance(0.5)
        ? { data: rng.chance(0.5) ? randomBytes(rng, 2000) : Buffer.from(JSON.stringify({ t: 'call', id: 1, method: 'host.info', params: {} })), binary: true, closes: false }
        : text(rng.chance(0.5) ? randomString(rng, 200) : JSON.stringify({ t: 'call', id: 1, method: 'host.info', params: {} }).slice(0, 1 + rng.int(40)));
    default:
      return text(prototypeKeys(rng));
  }
}

/** A name that is not in the contract (nor a key of Object.prototype that a careless lookup would find). */
function unknownName(rng: Rng, known: (name: string) => boolean): string {
  const candidate = rng.chance(0.3) ? rng.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'error', '', 'host.info ', 'HOST.INFO']) : randomString(rng, 30);
  return known(candidate) ? `${candidate}!` : candidate;
}

/** A known method with params its schema refuses (never a valid call: a valid mutating call would change the database). */
function invalidCall(rng: Rng): string {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const method = rng.pick(apiMethodNames);
    const schema = apiMethods[method].params as z.ZodType;
    const shape = 'shape' in schema ? Object.keys(schema.shape as object) : [];
    const params = rng.chance(0.3) || shape.length === 0 ? randomJson(rng) : randomObject(rng, 2, rng.chance(0.8) ? shape : [...shape, '__proto__', 'extra']);
    if (!schema.safeParse(params ?? {}).success) return JSON.stringify({ t: 'call', id: rng.int(1e6), method, params });
  }
  return JSON.stringify({ t: 'call', id: 1, method: 'host.info', params: { unexpected: true } });
}

function invalidEnvelope(rng: Rng): string {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const candidate = rng.pick([
      () => randomJson(rng),
      () => ({ t: randomJson(rng, 1) }),
      () => ({ t: 'call', id: rng.pick([-1, 1.5, '1', null, 2 ** 60, {}]), method: 'host.info', params: {} }),
      () => ({ t: 'call', id: rng.int(100), method: randomJson(rng, 1), params: {} }),
      () => ({ t: 'call', method: 'host.info' }),
      () => ({ t: rng.pick(['subscribe', 'unsubscribe']), event: randomJson(rng, 1) }),
      () => ({ ...randomObject(rng), t: rng.pick(['call', 'subscribe', 'unsubscribe', 'result', 'hello', 'error']) }),
    ])();
    if (!ClientMessageSchema.safeParse(candidate).success) return JSON.stringify(candidate);
  }
  return '{"t":"call"}';
}

function prototypeKeys(rng: Rng): string {
  const polluting = `{"polluted":true,"t":"call","method":"host.info","isAdmin":true}`;
  return rng.pick([
    `{"__proto__":${polluting}}`,
    `{"constructor":{"prototype":${polluting}},"t":"subscribe"}`,
    `{"t":"call","id":1,"method":"settings.update","params":{"__proto__":{"language":"en"}}}`,
    `{"t":"call","id":1,"method":"window.saveState","params":{"constructor":{"prototype":{"x":1}},"__proto__":[]}}`,
    `{"t":"call","id":1,"method":"__proto__","params":{}}`,
    `{"t":"call","id":1,"method":"constructor","params":{}}`,
    `{"t":"subscribe","event":"__proto__"}`,
    `{"t":"unsubscribe","event":"hasOwnProperty"}`,
    `{"t":"call","id":1,"method":"mapViews.save","params":{"name":"v","body":{"__proto__":{"formatVersion":1}}}}`,
  ]);
}

/** Sends every case on one connection without waiting, and collects one reply per case (the hello aside). */
async function pipeline(url: string, cases: readonly WebCase[]): Promise<string[]> {
  const ws = new WebSocket(url);
  const replies: string[] = [];
  let hello = false;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${replies.length} of ${cases.length} replies after 45 s`)), 45_000);
    ws.on('message', (data: RawData) => {
      if (!hello) {
        hello = true;
        for (const entry of cases) ws.send(entry.data, { binary: entry.binary });
        return;
      }
      replies.push(data.toString());
      if (replies.length === cases.length) {
        clearTimeout(timer);
        resolve();
      }
    });
    ws.on('close', (code) => reject(new Error(`the host closed a pipelined connection (${code}) after ${replies.length} replies`)));
    ws.on('error', reject);
  });
  try {
    await done;
  } finally {
    ws.removeAllListeners('close');
    ws.close();
  }
  return replies;
}

async function sendAndAwaitClose(url: string, entry: WebCase): Promise<void> {
  const ws = new WebSocket(url);
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the host kept a connection open after a refused frame')), 10_000);
    ws.once('message', () => ws.send(entry.data, { binary: entry.binary }));
    ws.once('close', (code) => {
      clearTimeout(timer);
      if (code === 1009 || code === 1007) resolve();
      else reject(new Error(`closed with ${code}`));
    });
  });
}

function replyErrorCode(raw: string): string | undefined {
  const reply = JSON.parse(raw) as { t: string; error?: { code: string }; response?: { ok: boolean; error?: { code: string } } };
  return reply.t === 'error' ? reply.error?.code : reply.t === 'result' && reply.response?.ok === false ? reply.response.error?.code : undefined;
}

// ---- the backend's socket.io server, spoken raw: Engine.IO message "4" + socket.io packet ----

interface SocketIoCase {
  /**
   * rejected: logged, the connection stays; refused: a handshake refused (logged), the connection stays; malformed: a packet
   * socket.io cannot decode (logged, then the connection closed); closed: a frame or packet out of protocol that
   * closes the connection.
   */
  outcome: 'rejected' | 'refused' | 'malformed' | 'closed';
  frames: (string | Buffer)[];
  /** The backend answers it (an ack or a connect error). */
  answered: boolean;
}

/** Every method the backend serves; each request is checked against its schema in the protocol's one table. */
const knownEvents = Object.keys(backendMethods) as BackendMethodName[];

const reservedEvents = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'];

/** The credential of the one console the fuzz connects as (enrolled with the backend's CLI), on as many sockets as it likes. */
let fuzzCredential = '';
const handshake = () => `40${JSON.stringify({ protocol: BACKEND_PROTOCOL_VERSION, consoleId: 'fuzz', appVersion: 'fuzz', credential: fuzzCredential })}`;

function socketIoCase(rng: Rng): SocketIoCase {
  const rejected = (frame: string, answered: boolean): SocketIoCase => ({ outcome: 'rejected', frames: [`4${frame}`], answered });
  const malformed = (...frames: (string | Buffer)[]): SocketIoCase => ({ outcome: 'malformed', frames, answered: false });
  const ack = () => 1 + rng.int(1e6);
  const kind = rng.int(20);
  if (kind < 4) {
    const name = rng.chance(0.2) ? rng.int(1000) : unknownName(rng, (candidate) => (knownEvents as readonly string[]).includes(candidate) || reservedEvents.includes(candidate));
    const withAck = rng.chance(0.5);
    return rejected(`2${withAck ? ack() : ''}${JSON.stringify([name, randomJson(rng)])}`, withAck);
  }
  if (kind < 9) {
    const event = rng.pick(knownEvents);
    return rejected(`2${ack()}${JSON.stringify([event, invalidPayload(rng, event)])}`, true);
  }
  if (kind < 11) {
    // No acknowledgement to reply on: nothing may happen, even for a payload that would be valid.
    const event = rng.pick(knownEvents);
    return rejected(`2${JSON.stringify(rng.chance(0.5) ? [event, invalidPayload(rng, event)] : [event, null])}`, false);
  }
  if (kind === 11) return rejected(`3${ack()}${JSON.stringify([randomJson(rng)])}`, false);
  if (kind === 12) return rejected(`0/${randomString(rng, 10).replace(/[,\s]/g, '')}x,{}`, true);
  if (kind === 13) return { outcome: 'refused', frames: [badHandshake(rng)], answered: true };
  if (kind === 14) {
    const depth = rng.pick([200, 10_000, 100_000]);
    return rng.chance(0.5)
      ? malformed(`42["sync:push",${deeplyNestedJson(depth, rng.chance(0.5) ? 'array' : 'object')}]`)
      : malformed(`451-["sync:push",${deeplyNestedJson(depth, 'array', '{"_placeholder":true,"num":0}')}]`);
  }
  if (kind === 15) return malformed(`42["${rng.pick(knownEvents)}"${',0'.repeat(rng.pick([100, 100_000, 300_000]))}]`);
  if (kind === 16) {
    return rng.pick([
      () => malformed(`42}${randomString(rng, 40)}`),
      () => malformed(`42["${rng.pick(reservedEvents)}"]`),
      () => malformed('42[]'),
      () => malformed(`42${JSON.stringify(randomObject(rng))}`),
      () => malformed(`4${7 + rng.int(3)}["x"]`),
      () => malformed(`42["sync:push",${JSON.stringify(randomJson(rng)).slice(0, 5)}`),
      () => malformed('451-["sync:push",{"_placeholder":true,"num":0}]', '42["hello"]'),
      () => malformed(`45${11 + rng.int(50)}-["x",{"_placeholder":true,"num":0}]`),
      () => malformed(`46${1 + rng.int(5)}-[]`, '42["hello"]'),
      () => malformed(randomBytes(rng, 100)),
    ])();
  }
  // Engine.IO frames and packets out of protocol: the connection closes.
  const closed = (...frames: (string | Buffer)[]): SocketIoCase => ({ outcome: 'closed', frames, answered: false });
  return rng.pick([
    () => closed(`${7 + rng.int(3)}${randomString(rng, 20)}`),
    () => closed(invalidUtf8(rng)),
    () => closed(`42["x","${'y'.repeat(1_000_001)}"]`),
    () => closed('44{"message":"a client never sends this"}'),
    () => closed(handshake()),
    () => closed('42/never-joined,["hello"]'),
  ])();
}

function invalidPayload(rng: Rng, event: BackendMethodName): unknown {
  const schema = backendMethods[event].request;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const candidate = rng.pick([
      () => randomJson(rng),
      () => randomObject(rng, 2, ['crewId', 'kind', 'text', 'limit', 'after', 'streamId', 'sessionId', 'cameraId', 'drillId', 'sensorKind', 'type', 'title', 'position', '__proto__']),
      () => [randomObject(rng, 2, ['key', 'kind', 'origin', 'body', 'runId', '__proto__'])],
      () => randomString(rng, 60) + 'x'.repeat(41),
    ])();
    if (!schema.safeParse(candidate).success) return candidate;
  }
  return 1;
}

function badHandshake(rng: Rng): string {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const auth = rng.chance(0.3)
      ? { protocol: BACKEND_PROTOCOL_VERSION + 1 + rng.int(5), consoleId: 'fuzz', appVersion: 'fuzz' }
      : { ...randomObject(rng, 1, ['protocol', 'consoleId', 'appVersion', 'credential', '__proto__']), ...(rng.chance(0.5) ? { protocol: randomJson(rng, 0) } : {}) };
    const parsed = BackendHandshakeSchema.safeParse(auth);
    if (!parsed.success || parsed.data.protocol !== BACKEND_PROTOCOL_VERSION) return `40${JSON.stringify(auth)}`;
  }
  return '40{"protocol":"two"}';
}

/** Opens an Engine.IO WebSocket and waits for its open packet, which names the connection (its sid, as the backend logs it). */
async function engineSocket(url: string): Promise<{ ws: WebSocket; sid: string }> {
  const ws = new WebSocket(url);
  ws.on('error', () => undefined);
  ws.on('message', (data: RawData) => {
    if (data.toString() === '2') ws.send('3');
  });
  const open = await new Promise<string>((resolve, reject) => {
    ws.once('message', (data: RawData) => (data.toString().startsWith('0') ? resolve(data.toString()) : reject(new Error(`no open packet: ${data.toString()}`))));
    ws.once('close', (code) => reject(new Error(`closed before opening (${code})`)));
  });
  return { ws, sid: (JSON.parse(open.slice(1)) as { sid: string }).sid };
}

async function connectNamespace(ws: WebSocket): Promise<void> {
  ws.send(handshake());
  await new Promise<void>((resolve, reject) =>
    ws.once('message', (data: RawData) => (data.toString().startsWith('40') ? resolve() : reject(new Error(`not connected: ${data.toString()}`)))),
  );
}

/** The acknowledgement id of the hello that closes a pipeline (the cases' ids stay below it). */
const SYNC_ACK = 999_999_999;

/** Pipelines the cases that keep the connection open, and collects what the backend answered (acks and connect errors). */
async function pipelineSocketIo(url: string, cases: readonly SocketIoCase[], joined: boolean): Promise<string[]> {
  const { ws } = await engineSocket(url);
  if (joined) await connectNamespace(ws);
  const answers: string[] = [];
  const expected = cases.filter((entry) => entry.answered).length;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      const acked = new Set(answers.map((answer) => /^43(\d+)/.exec(answer)?.[1]));
      const missing = cases.filter((entry) => entry.answered && !acked.has(/^42(\d+)/.exec(String(entry.frames[0]))?.[1])).map((entry) => String(entry.frames[0]).slice(0, 120));
      reject(new Error(`${answers.length} of ${expected} answers after 30 s; maybe missing: ${JSON.stringify(missing.slice(0, 20))}`));
    }, 30_000);
    const check = () => {
      if (answers.length < expected) return;
      clearTimeout(timer);
      resolve();
    };
    ws.on('message', (data: RawData) => {
      const text = data.toString();
      if (/^4[34]/.test(text) && !text.startsWith(`43${SYNC_ACK}`)) answers.push(text);
      check();
    });
    ws.on('close', (code) => reject(new Error(`the backend closed a pipelined connection (${code}) after ${answers.length} answers`)));
    check();
  });
  for (const entry of cases) for (const frame of entry.frames) ws.send(frame);
  try {
    await done;
    if (joined) {
      // Unanswered rejections are logged, in order, before this one is answered.
      ws.send(`42${SYNC_ACK}["hello",null]`);
      await new Promise<void>((resolve) => ws.on('message', (data: RawData) => data.toString().startsWith(`43${SYNC_ACK}`) && resolve()));
    }
  } finally {
    ws.removeAllListeners('close');
    ws.close();
  }
  return answers;
}

/** Sends one case on a connection of its own and waits for the backend to close it; returns the connection's sid. */
async function socketIoAndAwaitClose(url: string, entry: SocketIoCase): Promise<string> {
  const { ws, sid } = await engineSocket(url);
  await connectNamespace(ws);
  const closed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the backend kept a connection open after ${String(entry.frames[0]).slice(0, 80)}`)), 10_000);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  // A buffer is a binary attachment where socket.io expects none (malformed), or text that is not UTF-8 (closed).
  for (const frame of entry.frames) ws.send(frame, { binary: Buffer.isBuffer(frame) && entry.outcome === 'malformed' });
  await closed;
  return sid;
}

// ---- what the processes wrote ----

interface LogRecord {
  level: string;
  message: string;
  reason?: string;
  sid?: string;
}

/** The warn lines of a process's JSON-lines logs. */
function warnRecords(logDir: string): LogRecord[] {
  return readdirSync(logDir)
    .filter((name) => name.endsWith('.log'))
    .flatMap((file) => readFileSync(join(logDir, file), 'utf8').split('\n'))
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LogRecord)
    .filter((record) => record.level === 'warn');
}

/** Counts the warn lines that record a refused input ("rejected …") and a connection closed for one ("closed …", of the given sids). */
function rejectionLines(logDir: string, sids = new Set<string>()): { rejected: number; closed: number } {
  const records = warnRecords(logDir);
  return {
    rejected: records.filter((record) => record.message.startsWith('rejected')).length,
    closed: records.filter((record) => record.message.startsWith('closed') && record.sid !== undefined && sids.has(record.sid)).length,
  };
}

/** Warn lines by message (and reason where one is given), for the figures printed after each fuzz. */
function warnings(logDir: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of warnRecords(logDir)) {
    const key = record.reason === undefined ? record.message : `${record.message} (${record.reason})`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

type RowFilter = (table: string, row: Record<string, unknown>) => boolean;

/** The incident feed writes these by itself as it ticks; operator and drill incidents are compared. */
const feedWrittenIncident: RowFilter = (table, row) => {
  if (table !== 'incidents') return false;
  const body = JSON.parse(String(row.body_json)) as { source?: string; drillId?: string | null };
  return body.source !== 'operator' && !body.drillId;
};

/** One digest per table of every SQLite database under `dir`, read-only. */
function databaseDigests(dir: string, skip: RowFilter = () => false): Record<string, string> {
  const digests: Record<string, string> = {};
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.sqlite'));
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const db = new Database(join(dir, file), { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
      for (const { name } of tables) {
        const hash = createHash('sha256');
        let rows = 0;
        for (const row of db.prepare<[], Record<string, unknown>>(`SELECT * FROM "${name}" ORDER BY rowid`).iterate()) {
          if (skip(name, row)) continue;
          rows += 1;
          hash.update(JSON.stringify(row, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('base64') : value)));
        }
        digests[`${file}:${name}`] = `${rows} rows ${hash.digest('hex').slice(0, 16)}`;
      }
    } finally {
      db.close();
    }
  }
  return digests;
}
