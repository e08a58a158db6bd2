import { readFileSync, readdirSync, rmSync, mkdtempSync, statSync } from 'node:fs';
import { get as httpsGet, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registerer, RegistererState, UserAgent } from 'sip.js';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kamailioCommandLine } from '../../src/backend/sip/kamailio-process.js';
import { createWebSocketBridge, type WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import type { SipAccount } from '../../src/shared/dispatch/sip-account.js';
import { call } from '../helpers/host-client.js';
import { enrolConsole } from '../helpers/backend-consoles.js';
import { kamailioInstalled } from '../helpers/kamailio.js';
import { runToExit, startProcess, type RunningProcess, processAlive } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { waitUntil } from '../helpers/wait.js';

// sip.js opens its SIP-over-WebSocket transport with the global WebSocket, which Node 20 lacks.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

/** Every folder under the data folder 0700 and every file 0600 (kamailio's pid file names no secret). */
function looserThanPrivate(dir: string): string[] {
  const loose: string[] = [];
  const walk = (path: string) => {
    const mode = statSync(path).mode & 0o777;
    if (statSync(path).isDirectory()) {
      if (mode !== 0o700) loose.push(`${path} ${mode.toString(8)}`);
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if (mode !== 0o600 && !path.endsWith('kamailio.pid')) {
      loose.push(`${path} ${mode.toString(8)}`);
    }
  };
  walk(dir);
  return loose;
}

/** The command line of every process on this machine, as `ps -eo args` shows it. */
function everyCommandLine(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      // Ended meanwhile.
    }
  }
  return lines;
}

function logsText(dataDir: string): string {
  const logs = join(dataDir, 'logs');
  return readdirSync(logs)
    .map((name) => readFileSync(join(logs, name), 'utf8'))
    .join('');
}

function logRecords(dataDir: string): { message: string; attempt?: number; delayMs?: number }[] {
  return logsText(dataDir)
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { message: string });
}

/** Registers a SIP account with sip.js (what the dispatch window runs) and ends the user agent again. */
async function registerOnce(account: SipAccount): Promise<void> {
  const userAgent = new UserAgent({
    uri: UserAgent.makeURI(`sip:${account.user}@${account.domain}`),
    authorizationUsername: account.user,
    authorizationPassword: account.password,
    transportOptions: { server: account.wsServer, connectionTimeout: 5 },
    logBuiltinEnabled: false,
  });
  try {
    await userAgent.start();
    const registerer = new Registerer(userAgent);
    const registered = new Promise<void>((resolve) =>
      registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) resolve();
      }),
    );
    await registerer.register();
    await registered;
  } finally {
    await userAgent.stop();
  }
}


/**
 * Secrets at rest and in processes, on the built hosts as an operator starts them beyond loopback: the data folder
 * and everything in it private, no session, sign-in link, password or SIP secret on any command line or in any log,
 * sessions kept (hashed) across a restart, the first password printed once, and a kamailio killed outright restarted
 * with back-off.
 */
describe.skipIf(!kamailioInstalled())('secrets at rest and in processes', () => {
  let work: string;
  const cityDir = testCityDir();
  const started: RunningProcess[] = [];
  const start = async (...args: Parameters<typeof startProcess>) => {
    const running = await startProcess(...args);
    started.push(running);
    return running;
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'zhili-secrets-'));
  });
  afterAll(async () => {
    for (const running of started) await running.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses a secret given on the command line with one sentence naming the file option or variable', async () => {
    const web = await runToExit('out/main/web-host.mjs', ['--web', '--data-dir', join(work, 'refused'), '--admin-password', 'visible-in-ps']);
    expect(web.code).not.toBe(0);
    expect(web.output).toMatch(
      /^Zhili web host could not start: --admin-password would show the secret to every user of this machine \(ps\): write it into a file only you can read and give --admin-password-file, or set ZHILI_ADMIN_PASSWORD\.\n$/,
    );
    const backend = await runToExit('out/backend/backend.mjs', ['--data-dir', join(work, 'refused'), '--sip-server', 'ws://127.0.0.1:5066', '--sip-domain', 'a.b', '--sip-secret', 'ab'.repeat(20)]);
    expect(backend.code).not.toBe(0);
    expect(backend.output).toMatch(/could not start: --sip-secret would show the secret .* give --sip-secret-file, or set ZHILI_SIP_SECRET\.\n$/);
  });

  it('web host: private files, no secret in ps or logs, a kamailio killed mid-work comes back with back-off', async () => {
    const dataDir = join(work, 'web');
    const args = ['--web', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir, '--city-dir', cityDir, '--demo-ptz-cameras', '0'];
    // Beyond loopback the host serves HTTPS with the self-signed certificate it made (0600 like every file here).
    // The first start makes the administrator with a random password, shown once on the terminal, and a one-time link.
    const host = await start('out/main/web-host.mjs', args, /Zhili web host: https:\/\/[^/:]+:(\d+)\/#code=([\w-]+) [^]*the administrator is "admin" with the password ([\w-]+) /, {
      env: { ZHILI_ADMIN_PASSWORD: '' },
      testAdministrator: false,
    });
    const [, port, code, adminPassword] = host.match as unknown as [string, string, string, string];
    const ca = readFileSync(join(dataDir, 'web-tls-cert.pem'), 'utf8');
    const session = await httpsPost(`https://127.0.0.1:${port}/auth/sign-in`, { username: 'admin', password: adminPassword }, ca);
    expect(session.status).toBe(200);
    const sessionSecret = /zhili_session=([\w-]+)/.exec(session.setCookie)?.[1] as string;

    const client: WebSocketBridge = createWebSocketBridge(`wss://127.0.0.1:${port}/api/ws`, trusting(ca, `zhili_session=${sessionSecret}`));
    try {
      await waitUntil(async () => (await client.call('backend.status', {})).ok, Boolean, 'the web host API');
      await waitUntil(async () => (await call(client, 'backend.status', {})).state, (state) => state === 'connected', 'the embedded backend');
      const account = await call(client, 'dispatch.account', {});
      await registerOnce(account);

      const sipSecret = readFileSync(join(dataDir, 'backend', 'sip-secret'), 'utf8').trim();
      expect(looserThanPrivate(dataDir)).toEqual([]);
      for (const file of ['console.sqlite', 'backend/backend.sqlite', 'backend/sip-secret', 'backend/kamailio/kamailio.cfg', 'web-tls-key.pem']) {
        expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
      }
      const commandLines = everyCommandLine();
      const secrets = [sessionSecret, code, adminPassword, sipSecret, account.password];
      expect(commandLines.filter((line) => secrets.some((secret) => line.includes(secret)))).toEqual([]);

      // kill -9 of kamailio, twice: the backend restarts it after a growing, jittered delay and says why meanwhile.
      const runDir = join(dataDir, 'backend', 'kamailio');
      const kamailioPid = () => Number(readFileSync(join(runDir, 'kamailio.pid'), 'utf8'));
      const runsHere = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `${kamailioCommandLine(runDir).join('\0')}\0`;
      const backendUrl = (JSON.parse((await httpsText(`https://127.0.0.1:${port}/healthz`, ca)).body) as { backend: { url: string } }).backend.url;
      let killed = kamailioPid();
      for (const attempt of [1, 2]) {
        expect(runsHere(killed)).toBe(true);
        process.kill(killed, 'SIGKILL');
        const refused = await waitUntil(() => client.call('dispatch.account', {}), (response) => !response.ok, 'dispatch to say the SIP server is down', 5000);
        expect(refused.ok ? '' : refused.error.message).toMatch(new RegExp(`The local SIP server stopped; restart ${attempt} in \\d+ s`));
        // The backend's health shows the outage while it lasts (and only then: see below).
        const outage = (await (await fetch(`${backendUrl}/healthz`)).json()) as { status: string; outages: { part: string; reason: string }[] };
        expect(outage.status).toBe('degraded');
        expect(outage.outages).toEqual([{ part: 'sip', reason: expect.stringMatching(/The local SIP server stopped/) as string }]);
        const previous = killed;
        killed = await waitUntil(
          async () => {
            try {
              return kamailioPid();
            } catch {
              return previous;
            }
          },
          (pid) => pid !== previous && processAlive(pid) && runsHere(pid),
          'kamailio to be restarted',
          15_000,
        );
        await waitUntil(async () => (await client.call('dispatch.account', {})).ok, Boolean, 'dispatch to come back', 15_000);
      }
      expect(processAlive(host.child.pid as number)).toBe(true);
      expect((await call(client, 'backend.status', {})).state).toBe('connected');
      expect(await (await fetch(`${backendUrl}/healthz`)).json()).toMatchObject({ status: 'ok', outages: [] });
      await registerOnce(await call(client, 'dispatch.account', {}));

      const restarts = logRecords(dataDir).filter((record) => record.message === 'local SIP server exited; restarting it');
      expect(restarts.map((record) => record.attempt)).toEqual([1, 2]);
      const [first, second] = restarts.map((record) => record.delayMs as number) as [number, number];
      expect(first).toBeGreaterThanOrEqual(800);
      expect(first).toBeLessThanOrEqual(1200);
      expect(second).toBeGreaterThanOrEqual(1600);
      expect(second).toBeLessThanOrEqual(2400);
      expect(logRecords(dataDir).filter((record) => record.message === 'local SIP server back')).toHaveLength(2);
      expect(host.output()).toContain('[warn] web-host.embedded-backend.sip: local SIP server exited; restarting it');

      const logs = logsText(dataDir);
      for (const secret of secrets) expect(logs).not.toContain(secret);
      // The database keeps hashes only: neither the session nor the password is in it (the -wal holds recent writes).
      for (const file of readdirSync(dataDir).filter((name) => name.startsWith('console.sqlite'))) {
        const bytes = readFileSync(join(dataDir, file));
        expect(bytes.includes(sessionSecret) || bytes.includes(adminPassword)).toBe(false);
      }
      expect(looserThanPrivate(dataDir)).toEqual([]);
    } finally {
      client.dispose();
    }

    // A second start keeps every session (the wall's screens stay signed in), makes no new administrator and prints
    // only a new one-time link, which is never written to the log.
    expect(await host.stop()).toBe(0);
    const again = await start('out/main/web-host.mjs', args, /Zhili web host: https:\/\/[^/:]+:(\d+)\/#code=([\w-]+) /);
    const [, againPort, againCode] = again.match as unknown as [string, string, string];
    expect(again.output()).not.toContain('the administrator is');
    expect((await httpsText(`https://127.0.0.1:${againPort}/city/manifest.json`, ca, `zhili_session=${sessionSecret}`)).status).toBe(200);
    expect(logsText(dataDir)).not.toContain(againCode);
    await again.stop();
  });

  it('standalone backend: private files, a console credential only in its 0600 file and hashed in the database', async () => {
    const dataDir = join(work, 'backend');
    const args = ['--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir, '--city-dir', cityDir, '--demo-ptz-cameras', '0'];
    const backend = await start('out/backend/backend.mjs', args, /Zhili backend: https:\/\/[^/:]+:(\d+)\n/);
    const port = backend.match[1] as string;
    const sipSecret = readFileSync(join(dataDir, 'backend', 'sip-secret'), 'utf8').trim();
    expect(statSync(join(dataDir, 'backend', 'kamailio', 'kamailio.cfg')).mode & 0o777).toBe(0o600);

    // The operator enrols a console with the backend's command: the credential goes to a 0600 file, never to a terminal.
    const credentialFile = await enrolConsole(dataDir, 'secrets-console');
    expect(statSync(credentialFile).mode & 0o777).toBe(0o600);
    const credential = readFileSync(credentialFile, 'utf8').trim();
    const secret = credential.split('.')[1] as string;
    expect(looserThanPrivate(dataDir)).toEqual([]);
    // Only its hash is kept (the -wal holds recent writes).
    for (const file of readdirSync(join(dataDir, 'backend')).filter((name) => name.startsWith('backend.sqlite'))) {
      expect(readFileSync(join(dataDir, 'backend', file)).includes(secret)).toBe(false);
    }

    const consoleDir = join(work, 'console');
    const consoleHost = await start(
      'out/main/web-host.mjs',
      [
        '--web', '--port', '0', '--data-dir', consoleDir, '--city-dir', cityDir,
        // Its self-signed certificate, which the backend printed as the file to give consoles.
        '--backend-url', `https://127.0.0.1:${port}`, '--backend-token-file', credentialFile, '--backend-ca-file', join(dataDir, 'backend-tls-cert.pem'),
      ],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)#code=/,
      { env: { ZHILI_BACKEND_TOKEN: '' } },
    );
    await expect
      .poll(async () => ((await (await fetch(`${consoleHost.match[1]}healthz`)).json()) as { backend: { state: string } }).backend.state, { timeout: 15_000 })
      .toBe('connected');
    expect(everyCommandLine().filter((line) => line.includes(secret) || line.includes(sipSecret))).toEqual([]);
    for (const dir of [dataDir, consoleDir]) {
      expect(logsText(dir)).not.toContain(secret);
      expect(logsText(dir)).not.toContain(sipSecret);
    }
    expect(looserThanPrivate(consoleDir)).toEqual([]);
    await consoleHost.stop();
    expect(await backend.stop()).toBe(0);
  });
});

/** The ws WebSocket class trusting `ca`, for the renderer's bridge (which takes a class, not options). */
function trusting(ca: string, cookie: string): typeof globalThis.WebSocket {
  return class extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { ca, headers: { Cookie: cookie } });
    }
  } as unknown as typeof globalThis.WebSocket;
}

/** A GET over HTTPS trusting `ca` (fetch cannot be given a certificate to trust). */
function httpsText(url: string, ca: string, cookie?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca, ...(cookie ? { headers: { Cookie: cookie } } : {}) }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** A JSON POST over HTTPS trusting `ca`, from a page of the host's own origin (as its sign-in page sends it). */
function httpsPost(url: string, body: unknown, ca: string): Promise<{ status: number; setCookie: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { method: 'POST', ca, headers: { 'Content-Type': 'application/json', Origin: new URL(url).origin } }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, setCookie: (response.headers['set-cookie'] ?? []).join('\n') });
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}
