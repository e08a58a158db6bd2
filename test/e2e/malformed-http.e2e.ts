import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInCookie } from '../helpers/identity.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * No HTTP input ends a process: a corpus of raw malformed requests, sent over plain TCP, against the web host (with
 * a signed-in session's cookie, so its paths behind sign-in run), its embedded backend and a standalone backend. Each request gets a 4xx
 * (501 and 505 for what HTTP calls unsupported) or a closed connection, `/healthz` answers 200 after every one, and
 * at the end each process runs, reports itself healthy and logged no error.
 */

const ANSWER_TIMEOUT_MS = 5000;

interface Target {
  name: string;
  port: number;
  /** A header line that carries valid credentials, so requests reach the paths behind the token. */
  authHeader: string;
  /** The same as a query parameter. */
  authQuery: string;
}

type Outcome = { status: number } | { closed: true } | { timedOut: true };

/** Writes raw bytes on a fresh connection, half-closes it, and reads the first status line (or the close). */
function sendRaw(port: number, bytes: Buffer | string, halfClose = true): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const finish = (outcome: Outcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ timedOut: true }), ANSWER_TIMEOUT_MS);
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(bytes);
      if (halfClose) socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3}) /.exec(received);
      if (status) finish({ status: Number(status[1]) });
      else if (received.length > 12 && !received.startsWith('HTTP/')) finish({ status: -1 });
    });
    socket.on('close', () => finish({ closed: true }));
  });
}

/** A deterministic generator, so a failing case can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The corpus for one target, each case named so a failure says which. */
function corpus(target: Target): { name: string; bytes: Buffer | string }[] {
  const { authHeader, authQuery } = target;
  const request = (line: string, ...headers: string[]) => `${line}\r\nHost: 127.0.0.1\r\n${headers.map((header) => `${header}\r\n`).join('')}\r\n`;
  const cases: { name: string; bytes: Buffer | string }[] = [
    // Request lines and targets
    { name: 'authority-like target //a:99999', bytes: request('GET //a:99999 HTTP/1.1') },
    { name: 'authority-like target with auth', bytes: request('GET //a:99999 HTTP/1.1', authHeader) },
    { name: 'target //[::1', bytes: request('GET //[::1 HTTP/1.1', authHeader) },
    { name: 'target ///', bytes: request('GET /// HTTP/1.1', authHeader) },
    { name: 'target // with a port out of range and a path', bytes: request('GET //host:65536/healthz HTTP/1.1') },
    { name: 'absolute-form URL to another host', bytes: request('GET http://evil.example/nowhere HTTP/1.1', authHeader) },
    { name: 'absolute-form URL with a bad port', bytes: request('GET http://evil.example:99999/ HTTP/1.1', authHeader) },
    { name: 'absolute-form URL of another scheme', bytes: request('GET file:///etc/passwd HTTP/1.1', authHeader) },
    { name: 'asterisk-form target', bytes: request('OPTIONS * HTTP/1.1', authHeader) },
    { name: 'CONNECT', bytes: request('CONNECT 127.0.0.1:22 HTTP/1.1', authHeader) },
    { name: 'unknown method', bytes: request('BREW /nowhere HTTP/1.1', authHeader) },
    { name: 'lower-case method', bytes: request('get /nowhere HTTP/1.1', authHeader) },
    { name: 'POST with a body', bytes: request('POST /nowhere HTTP/1.1', authHeader, 'Content-Length: 5') + 'hello' },
    { name: 'DELETE', bytes: request('DELETE /healthz HTTP/1.1', authHeader) },
    { name: 'HTTP/0.9 request line', bytes: 'GET /\r\n\r\n' },
    { name: 'HTTP/2.0 version', bytes: request('GET /nowhere HTTP/2.0') },
    { name: 'HTTP/9.9 version', bytes: request('GET /nowhere HTTP/9.9') },
    { name: 'no version', bytes: request('GET /nowhere') },
    { name: 'HTTP/2 preface', bytes: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' },
    { name: 'TLS client hello', bytes: Buffer.from('16030100a5010000a10303', 'hex') },
    { name: 'space in the target', bytes: request('GET /no where HTTP/1.1') },
    { name: 'tab in the target', bytes: request('GET /no\twhere HTTP/1.1') },
    { name: 'NUL in the target', bytes: request('GET /no\0where HTTP/1.1') },
    { name: 'UTF-8 bytes in the target', bytes: Buffer.from(request('GET /地图 HTTP/1.1', authHeader), 'utf8') },
    { name: 'very long target', bytes: request(`GET /${'a'.repeat(20_000)} HTTP/1.1`, authHeader) },
    { name: 'empty request line', bytes: '\r\n\r\n\r\n' },
    // Percent-escapes that do not decode
    { name: 'bad escape in the path', bytes: request('GET /%E0%A4%A HTTP/1.1', authHeader) },
    { name: 'lone % in the path', bytes: request('GET /% HTTP/1.1', authHeader) },
    { name: 'bad escape in a city file', bytes: request('GET /city/%E0%A4%A HTTP/1.1', authHeader) },
    { name: 'escaped traversal in a city file', bytes: request('GET /city/..%2f..%2fpackage.json HTTP/1.1', authHeader) },
    { name: 'escaped traversal in assets', bytes: request('GET /assets/..%2f..%2f..%2fpackage.json HTTP/1.1', authHeader) },
    { name: 'escaped NUL', bytes: request('GET /assets/x%00.js HTTP/1.1', authHeader) },
    { name: 'bad escape in the query', bytes: request(`GET /nowhere?q=%E0%A4%A&${authQuery.slice(1)} HTTP/1.1`) },
    { name: 'bad escape in the token parameter', bytes: request('GET /city/manifest.json?token=%E0%A4%A HTTP/1.1') },
    { name: 'bad escape in a demo playlist', bytes: request(`GET /media/demo/%E0%A4%A.m3u8${authQuery} HTTP/1.1`) },
    { name: 'bad demo segment number', bytes: request(`GET /media/demo/clip-0/99999999999999999999.ts${authQuery} HTTP/1.1`) },
    { name: 'negative demo segment', bytes: request(`GET /media/demo/clip-0/-1.ts${authQuery} HTTP/1.1`) },
    { name: 'traversal in a relay path', bytes: request(`GET /media/relay/..%2f..%2fetc/passwd${authQuery} HTTP/1.1`) },
    { name: 'unknown relay stream', bytes: request(`GET /media/relay/nothing/index.m3u8${authQuery} HTTP/1.1`) },
    // Cookies
    { name: 'malformed session cookie', bytes: request('GET /city/manifest.json HTTP/1.1', 'Cookie: zhili_session=%E0%A4%A') },
    { name: 'lone % session cookie', bytes: request('GET /city/manifest.json HTTP/1.1', 'Cookie: zhili_session=%') },
    { name: 'session cookie without a value', bytes: request('GET /city/manifest.json HTTP/1.1', 'Cookie: zhili_session') },
    { name: 'empty session cookie', bytes: request('GET /city/manifest.json HTTP/1.1', 'Cookie: zhili_session=') },
    { name: 'cookie of only separators', bytes: request('GET /city/manifest.json HTTP/1.1', 'Cookie: ;;;==;') },
    { name: 'many cookies', bytes: request('GET /city/manifest.json HTTP/1.1', `Cookie: ${Array.from({ length: 500 }, (_, index) => `c${index}=%ZZ`).join('; ')}`) },
    // (The API socket lets a caller without a credential in to sign in; the SIP relay does not.)
    { name: 'malformed session cookie on the SIP relay', bytes: request('GET /sip HTTP/1.1', 'Cookie: zhili_session=%E0%A4%A', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==') },
    // Headers
    { name: 'oversized header', bytes: request('GET /nowhere HTTP/1.1', `X-Big: ${'x'.repeat(20_000)}`) },
    { name: 'oversized header block', bytes: request('GET /nowhere HTTP/1.1', ...Array.from({ length: 64 }, (_, index) => `X-${index}: ${'y'.repeat(1000)}`)) },
    { name: 'huge header count', bytes: request('GET /nowhere HTTP/1.1', authHeader, ...Array.from({ length: 2000 }, (_, index) => `a${index}:1`)) },
    { name: 'no Host header', bytes: 'GET /nowhere HTTP/1.1\r\n\r\n' },
    { name: 'two Host headers', bytes: request('GET /nowhere HTTP/1.1', 'Host: evil.example') },
    { name: 'header without a colon', bytes: request('GET /nowhere HTTP/1.1', 'NoColon') },
    { name: 'space before the colon', bytes: request('GET /nowhere HTTP/1.1', 'X-A : b') },
    { name: 'bare CR in a header (injection)', bytes: request('GET /nowhere HTTP/1.1', 'X-A: b\rSet-Cookie: evil=1') },
    { name: 'bare LF in a header (injection)', bytes: request('GET /nowhere HTTP/1.1', 'X-A: b\nSet-Cookie: evil=1') },
    { name: 'NUL in a header value', bytes: request('GET /nowhere HTTP/1.1', 'X-A: b\0c') },
    { name: 'obsolete line folding', bytes: request('GET /nowhere HTTP/1.1', 'X-A: b', ' folded') },
    { name: 'CRLF-encoded injection in the query', bytes: request(`GET /city/manifest.json?token=x%0d%0aSet-Cookie:%20evil=1 HTTP/1.1`) },
    { name: 'Content-Length and Transfer-Encoding (smuggling)', bytes: request('POST /nowhere HTTP/1.1', 'Content-Length: 4', 'Transfer-Encoding: chunked') + '0\r\n\r\n' },
    { name: 'two different Content-Lengths', bytes: request('POST /nowhere HTTP/1.1', 'Content-Length: 1', 'Content-Length: 2') + 'ab' },
    { name: 'negative Content-Length', bytes: request('POST /nowhere HTTP/1.1', 'Content-Length: -1') },
    { name: 'huge Content-Length, no body', bytes: request('POST /nowhere HTTP/1.1', 'Content-Length: 99999999999999999999') },
    { name: 'bad chunked body', bytes: request('POST /nowhere HTTP/1.1', 'Transfer-Encoding: chunked') + 'zz\r\nhello\r\n0\r\n\r\n' },
    { name: 'unknown Transfer-Encoding', bytes: request('POST /nowhere HTTP/1.1', 'Transfer-Encoding: gzip, identity') },
    { name: 'Expect not understood', bytes: request('POST /nowhere HTTP/1.1', 'Expect: bogus', 'Content-Length: 1') + 'a' },
    { name: 'Origin of another site on /healthz', bytes: request('OPTIONS /healthz HTTP/1.1', 'Origin: http://evil.example', 'Access-Control-Request-Method: DELETE') },
    // Upgrades
    { name: 'WebSocket upgrade to //a:99999', bytes: request('GET //a:99999 HTTP/1.1', authHeader, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==') },
    { name: 'WebSocket upgrade without a key', bytes: request('GET /api/ws HTTP/1.1', authHeader, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13') },
    { name: 'WebSocket upgrade of version 99', bytes: request('GET /api/ws HTTP/1.1', authHeader, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 99', 'Sec-WebSocket-Key: x') },
    { name: 'WebSocket upgrade from another site', bytes: request('GET /api/ws HTTP/1.1', authHeader, 'Origin: http://evil.example', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==') },
    { name: 'upgrade to another protocol', bytes: request('GET /api/ws HTTP/1.1', authHeader, 'Upgrade: h2c', 'Connection: Upgrade, HTTP2-Settings', 'HTTP2-Settings: AAMAAABkAAQAAP__') },
    { name: 'socket.io upgrade with a bad key', bytes: request('GET /socket.io/?EIO=4&transport=websocket HTTP/1.1', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: x') },
    { name: 'socket.io polling (not offered)', bytes: request('GET /socket.io/?EIO=4&transport=polling HTTP/1.1') },
    { name: 'socket.io of an unknown transport', bytes: request('GET /socket.io/?EIO=4&transport=pigeon HTTP/1.1', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==') },
    { name: 'socket.io with a bad escape', bytes: request('GET /socket.io/?EIO=%E0%A4%A&transport=websocket HTTP/1.1') },
  ];
  // Binary garbage and byte-level mutations of a request that would otherwise be served a 404 or 401.
  const random = seededRandom(13);
  for (let index = 0; index < 20; index++) {
    cases.push({ name: `binary garbage #${index}`, bytes: Buffer.from(Array.from({ length: 1 + Math.floor(random() * 2000) }, () => Math.floor(random() * 256))) });
  }
  const base = Buffer.from(request('GET /nowhere HTTP/1.1', authHeader));
  for (let index = 0; index < 40; index++) {
    const mutated = Buffer.from(base);
    for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips--) mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
    cases.push({ name: `mutated request #${index}`, bytes: mutated });
  }
  return cases;
}

/** What the HTTP spec allows as a refusal: a 4xx, or 501/505 for a method or version it does not implement. */
function refused(outcome: Outcome): boolean {
  if ('closed' in outcome) return true;
  if ('timedOut' in outcome) return false;
  return (outcome.status >= 400 && outcome.status < 500) || outcome.status === 501 || outcome.status === 505;
}

describe('malformed HTTP requests', () => {
  let work: string;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let backend: Awaited<ReturnType<typeof startProcess>>;
  const targets: Target[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-malformed-http-'));
    [host, backend] = await Promise.all([
      startProcess('out/main/web-host.mjs', ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir()], /Zhili web host: http:\/\/127\.0\.0\.1:(\d+)\//),
      startProcess('out/backend/backend.mjs', ['--port', '0', '--data-dir', join(work, 'backend'), '--city-dir', testCityDir()], /Zhili backend: http:\/\/127\.0\.0\.1:(\d+)/),
    ]);
    const hostPort = Number(host.match[1]);
    // The embedded backend listens on a port of its own choosing; the host's /healthz names it.
    const health = await waitUntil(
      async () => (await (await fetch(`http://127.0.0.1:${hostPort}/healthz`)).json()) as { backend: { url: string | null; state: string } },
      (body) => body.backend.url !== null,
      'the embedded backend URL',
    );
    const embeddedPort = Number(new URL(health.backend.url as string).port);
    const session = await signInCookie(`http://127.0.0.1:${hostPort}/`);
    targets.push(
      { name: 'web host', port: hostPort, authHeader: `Cookie: theme=dark; zhili_session=${session}`, authQuery: '' },
      // The backends take no token: consoles present credentials over socket.io, and /media only signed URLs.
      { name: 'embedded backend', port: embeddedPort, authHeader: 'X-No-Token: needed', authQuery: '' },
      { name: 'standalone backend', port: Number(backend.match[1]), authHeader: 'X-No-Token: needed', authQuery: '' },
    );
  });

  afterAll(async () => {
    await host?.stop();
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses every request of the corpus, and each process answers /healthz after every one', async () => {
    let tried = 0;
    const failures: string[] = [];
    const answers = new Map<string, number>();
    for (const target of targets) {
      for (const { name, bytes } of corpus(target)) {
        const outcome = await sendRaw(target.port, bytes);
        tried++;
        const answer = 'status' in outcome ? String(outcome.status) : 'closed' in outcome ? 'closed' : 'no answer';
        answers.set(answer, (answers.get(answer) ?? 0) + 1);
        if (!refused(outcome)) failures.push(`${target.name}, ${name}: ${JSON.stringify(outcome)}`);
        const health = await fetch(`http://127.0.0.1:${target.port}/healthz`).then((response) => response.status, (error: unknown) => String(error));
        if (health !== 200) failures.push(`${target.name}: /healthz answered ${health} after "${name}"`);
      }
    }
    const lost = [host, backend].filter((process) => process.child.exitCode !== null || process.child.signalCode !== null).length;
    const tally = [...answers].sort().map(([answer, count]) => `${answer}: ${count}`).join(', ');
    console.log(`malformed HTTP: ${tried} requests tried against ${targets.length} servers (${tally}), ${lost} processes lost`);
    expect(failures).toEqual([]);
    expect(lost).toBe(0);
    for (const target of targets) {
      const body = (await (await fetch(`http://127.0.0.1:${target.port}/healthz`)).json()) as { status: string; degradations: unknown[] };
      expect({ target: target.name, status: body.status, degradations: body.degradations }).toEqual({ target: target.name, status: 'ok', degradations: [] });
    }
    // Each kind of refusal says why in the log (echoed as warnings).
    for (const reason of ['refused a malformed or slow request', 'refused a request whose target is not a URL', 'ignored a malformed session cookie', 'refused a WebSocket']) {
      expect(host.output()).toContain(reason);
    }
    for (const reason of ['refused a malformed or slow request', 'refused a request whose target is not a URL']) expect(backend.output()).toContain(reason);
  });

  it('closes a request sent slowly (slowloris) or never sent within the header timeout', async () => {
    const started = Date.now();
    const slow = (port: number, trickle: boolean) =>
      new Promise<number>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        let sent = 0;
        const drip = setInterval(() => {
          // A header line every half second: never the blank line that ends the headers, and at most 60 of them.
          if (trickle && sent < 60 && socket.writable) socket.write(sent++ === 0 ? 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n' : `X-Drip-${sent}: 1\r\n`);
        }, 500);
        socket.on('error', () => undefined);
        // Read (and drop) its answer, or the server's close would never surface here.
        socket.resume();
        socket.on('close', () => {
          clearInterval(drip);
          resolve(Date.now() - started);
        });
        // Bounded whatever the server does: past 40 s the test fails below.
        setTimeout(() => socket.destroy(), 40_000).unref();
      });
    const closedAfter = await Promise.all(targets.flatMap((target) => [slow(target.port, true), slow(target.port, false)]));
    console.log(`slow requests closed after ${closedAfter.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}`);
    // The header timeout is 10 s, swept every second; the rest is a busy machine's slack.
    for (const ms of closedAfter) expect(ms).toBeLessThan(20_000);
    for (const target of targets) expect((await fetch(`http://127.0.0.1:${target.port}/healthz`)).status).toBe(200);
  });
});
