import { readFileSync, readdirSync, rmSync, mkdtempSync, statSync } from 'node:fs';
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
 * and everything in it private, no token or SIP secret on any command line or in any log, the token kept across a
 * restart and printed in full only once, and a kamailio killed outright restarted with back-off.
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
    const web = await runToExit('out/main/web-host.mjs', ['--web', '--data-dir', join(work, 'refused'), '--token', 'visible-in-ps']);
    expect(web.code).not.toBe(0);
    expect(web.output).toMatch(/^Zhili web host could not start: --token would show the secret to every user of this machine \(ps\): write it into a file only you can read and give --token-file, or set ZHILI_TOKEN\.\n$/);
    const backend = await runToExit('out/backend/backend.mjs', ['--data-dir', join(work, 'refused'), '--sip-server', 'ws://127.0.0.1:5066', '--sip-domain', 'a.b', '--sip-secret', 'ab'.repeat(20)]);
    expect(backend.code).not.toBe(0);
    expect(backend.output).toMatch(/could not start: --sip-secret would show the secret .* give --sip-secret-file, or set ZHILI_SIP_SECRET\.\n$/);
  });

  it('web host: private files, no secret in ps or logs, a kamailio killed mid-work comes back with back-off', async () => {
    const dataDir = join(work, 'web');
    const args = ['--web', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir, '--city-dir', cityDir, '--demo-ptz-cameras', '0'];
    const host = await start('out/main/web-host.mjs', args, /Zhili web host: http:\/\/0\.0\.0\.0:(\d+)\/\?token=([\w-]+)\n/, { env: { ZHILI_TOKEN: '' } });
    const [, port, token] = host.match as unknown as [string, string, string];
    expect(readFileSync(join(dataDir, 'web-token'), 'utf8').trim()).toBe(token);

    const client: WebSocketBridge = createWebSocketBridge(`ws://127.0.0.1:${port}/api/ws?token=${token}`, WebSocket as unknown as typeof globalThis.WebSocket);
    try {
      await waitUntil(async () => (await client.call('backend.status', {})).ok, Boolean, 'the web host API');
      await waitUntil(async () => (await call(client, 'backend.status', {})).state, (state) => state === 'connected', 'the embedded backend');
      const account = await call(client, 'dispatch.account', {});
      await registerOnce(account);

      const sipSecret = readFileSync(join(dataDir, 'backend', 'sip-secret'), 'utf8').trim();
      expect(looserThanPrivate(dataDir)).toEqual([]);
      for (const file of ['console.sqlite', 'backend/backend.sqlite', 'backend/sip-secret', 'backend/kamailio/kamailio.cfg', 'web-token']) {
        expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
      }
      const commandLines = everyCommandLine();
      expect(commandLines.filter((line) => line.includes(token) || line.includes(sipSecret) || line.includes(account.password))).toEqual([]);

      // kill -9 of kamailio, twice: the backend restarts it after a growing, jittered delay and says why meanwhile.
      const runDir = join(dataDir, 'backend', 'kamailio');
      const kamailioPid = () => Number(readFileSync(join(runDir, 'kamailio.pid'), 'utf8'));
      const runsHere = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `${kamailioCommandLine(runDir).join('\0')}\0`;
      const backendUrl = ((await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { backend: { url: string } }).backend.url;
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
      for (const secret of [token, sipSecret, account.password]) expect(logs).not.toContain(secret);
      expect(looserThanPrivate(dataDir)).toEqual([]);
    } finally {
      client.dispose();
    }

    // A second start keeps the token (the wall's screens stay signed in) and prints it masked.
    expect(await host.stop()).toBe(0);
    const again = await start('out/main/web-host.mjs', args, /Zhili web host: (http:\/\/0\.0\.0\.0:(\d+)\/.*)\n/, { env: { ZHILI_TOKEN: '' } });
    expect(again.match[1]).toBe(`http://0.0.0.0:${again.match[2]}/?token=[redacted] (the token is in ${join(dataDir, 'web-token')})`);
    expect(again.output()).not.toContain(token);
    expect((await fetch(`http://127.0.0.1:${again.match[2]}/map?token=${token}`)).status).toBe(200);
    expect(logsText(dataDir)).not.toContain(token);
    await again.stop();
  });

  it('standalone backend: private files, a console credential only in its 0600 file and hashed in the database', async () => {
    const dataDir = join(work, 'backend');
    const args = ['--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir, '--city-dir', cityDir, '--demo-ptz-cameras', '0'];
    const backend = await start('out/backend/backend.mjs', args, /Zhili backend: http:\/\/0\.0\.0\.0:(\d+)\n/, { env: { ZHILI_TOKEN: '' } });
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
      ['--web', '--port', '0', '--data-dir', consoleDir, '--city-dir', cityDir, '--backend-url', `http://127.0.0.1:${port}`, '--backend-token-file', credentialFile],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)\n/,
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
