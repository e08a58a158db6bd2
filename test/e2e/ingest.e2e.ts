import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedTick } from '../../src/shared/domain/feed.js';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { enrolConsole } from '../helpers/backend-consoles.js';
import { launchChromium } from '../helpers/chromium.js';
import { call, connectHost } from '../helpers/host-client.js';
import { signedInContext } from '../helpers/identity.js';
import { runToExit, startProcess, type RunningProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { waitUntil } from '../helpers/wait.js';

const mosquittoInstalled = spawnSync('mosquitto_pub', ['--help']).error === undefined;

/**
 * Issue #16: devices and the city's systems reach the backend over MQTT and HTTP, and a console connected to it sees
 * what they sent; refused messages are counted with their reasons, republished as dead letters and shown on the
 * console's ingestion panel, and the backend keeps serving through a flood. The backend simulates nothing here
 * (`--simulator none`): what moves is what was published, by mosquitto_pub or by `npm run simulate` as another process.
 */
describe.skipIf(!mosquittoInstalled)('ingestion from devices and systems', () => {
  let work: string;
  let backend: RunningProcess;
  let host: RunningProcess;
  let client: WebSocketBridge;
  let base: string;
  let backendUrl: string;
  let mqttPort: string;
  const secrets: Record<string, string> = {};
  const credentialFiles: Record<string, string> = {};

  /** mosquitto_pub and mosquitto_sub read their login from a 0600 options file, never from their command line. */
  const mosquittoConfig = (source: string): string => {
    const dir = join(work, `mosquitto-${source}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const tool of ['mosquitto_pub', 'mosquitto_sub']) {
      writeFileSync(join(dir, tool), `-h 127.0.0.1\n-p ${mqttPort}\n-u ${source}\n-P ${secrets[source] as string}\n`, { mode: 0o600 });
    }
    return dir;
  };
  const publish = async (source: string, topic: string, message: string | string[]): Promise<void> => {
    const lines = Array.isArray(message);
    const child = spawn('mosquitto_pub', ['-t', topic, ...(lines ? ['-l'] : ['-m', message])], {
      env: { ...process.env, XDG_CONFIG_HOME: mosquittoConfig(source) },
      stdio: [lines ? 'pipe' : 'ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    if (lines) child.stdin?.end(`${message.join('\n')}\n`);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(errors).toBe('');
    expect(code).toBe(0);
  };
  const addSource = async (name: string, ...scope: string[]) => {
    credentialFiles[name] = join(work, `${name}.credential`);
    const { code, output } = await runToExit('out/backend/backend.mjs', ['--data-dir', join(work, 'backend'), '--add-source', name, '--credential-out', credentialFiles[name], ...scope]);
    expect(code, output).toBe(0);
    secrets[name] = readFileSync(credentialFiles[name], 'utf8').trim();
  };
  const sourceStats = async (name: string) => (await call(client, 'ingest.stats', {})).sources.find((source) => source.source === name);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-ingest-'));
    chmodSync(work, 0o700);
    const startedBackend = await startProcess(
      'out/backend/backend.mjs',
      ['--port', '0', '--data-dir', join(work, 'backend'), '--city-dir', testCityDir(), '--sip-server', 'none', '--demo-ptz-cameras', '0', '--simulator', 'none', '--mqtt-port', '0'],
      /Zhili backend: devices publish to mqtt:\/\/127\.0\.0\.1:(\d+)/,
    );
    backend = startedBackend;
    mqttPort = startedBackend.match[1] as string;
    backendUrl = /Zhili backend: (http:\/\/127\.0\.0\.1:\d+)/.exec(startedBackend.output())?.[1] as string;
    for (const name of ['road-sensors', 'demo-city']) await addSource(name);
    // The hotline's credential reports hotline cases and speaks for no device.
    await addSource('hotline', '--may-report', 'hotline-12319', '--devices', 'none');
    const consoleCredential = await enrolConsole(join(work, 'backend'), 'desk-1');
    const startedHost = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir(), '--backend-url', backendUrl, '--backend-token-file', consoleCredential, '--sip-server', 'none', '--demo-ptz-cameras', '0'],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    host = startedHost;
    base = startedHost.match[1] as string;
    client = await connectHost(base);
    await waitUntil(async () => (await call(client, 'backend.status', {})).state, (state) => state === 'connected', 'the console to reach the backend');
  });

  afterAll(async () => {
    client?.dispose();
    await host?.stop();
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('shows a sensor alarm published with mosquitto_pub on a console of the backend, with the incident it raised', async () => {
    const sensorId = 'SN000001';
    const ticks: { at: number; tick: FeedTick }[] = [];
    const unsubscribe = client.subscribe('feed.tick', (tick) => ticks.push({ at: Date.now(), tick }));
    const publishedAt = Date.now();
    await publish('road-sensors', `zhili/v1/alarms/${sensorId}`, JSON.stringify({ level: 'alarm', at: new Date().toISOString(), value: 3.2 }));
    const seen = await waitUntil(
      () => ticks.find((entry) => entry.tick.sensorChanges.some((change) => change.id === sensorId && change.state === 'alarm')),
      (entry) => entry !== undefined,
      'the alarm on the console',
    );
    unsubscribe();
    // The backend flushes once a second: what was published shows at the next tick (344-976 ms here, mosquitto_pub's
    // own start included). The bound leaves room for a loaded 2-core machine; the ingestion bench gives the figure.
    console.log(`ingestion: mosquitto_pub to the console's feed in ${(seen?.at ?? NaN) - publishedAt} ms`);
    expect((seen?.at ?? Infinity) - publishedAt).toBeLessThan(5000);
    expect(await call(client, 'sensors.abnormal', {})).toContainEqual({ id: sensorId, state: 'alarm', value: 3.2 });
    await waitUntil(async () => (await call(client, 'incidents.list', {})).find((incident) => incident.sensorId === sensorId), (incident) => incident?.state === 'reported', 'its incident');
  });

  it('registers an incident another system posts over HTTP once, however often it is sent, with its source and number', async () => {
    const sent: [number, number] = [106.5516, 29.5628];
    const report = { sourceSystem: 'hotline-12319', externalId: 'RX-2026-000418', type: 'manhole-cover', title: '井盖缺失', severity: 'major', position: sent, crs: 'gcj02', districtAdcode: '500103', at: new Date().toISOString() };
    const post = (authorization: string | null) =>
      fetch(`${backendUrl}/ingest/v1/incidents/report`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }) },
        body: JSON.stringify(report),
      });
    expect((await post(null)).status).toBe(401);
    expect((await post(`Bearer ${secrets.hotline as string}`)).status).toBe(202);
    expect((await post(`Bearer ${secrets.hotline as string}`)).status).toBe(202);
    // What its credential does not cover is refused: a vehicle, or a case posing as the citizen app's.
    const asHotline = (path: string, body: object) =>
      fetch(`${backendUrl}/ingest/v1/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.hotline as string}` }, body: JSON.stringify(body) });
    const moved = await asHotline('vehicles/VH000001/position', { position: [106.55, 29.56], at: new Date().toISOString() });
    expect([moved.status, await moved.json()]).toEqual([403, { error: 'not-permitted', detail: 'this source may not speak for device VH000001' }]);
    expect((await asHotline('incidents/report', { ...report, sourceSystem: 'citizen-app', externalId: 'APP-1' })).status).toBe(403);
    const reported = await waitUntil(
      async () => (await call(client, 'incidents.list', {})).filter((incident) => incident.externalId === report.externalId),
      (list) => list.length > 0,
      'the hotline case on the console',
    );
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ source: 'hotline-12319', state: 'registered', synthetic: false, type: 'manhole-cover' });
    // Sent in GCJ-02 (a Chinese map SDK's coordinates), kept in WGS-84: a few hundred metres apart in Chongqing.
    const [lng, lat] = reported[0]?.position ?? [0, 0];
    expect(Math.abs(lng - sent[0]) + Math.abs(lat - sent[1])).toBeGreaterThan(0.002);
  });

  it('counts a malformed message, an unknown device and a flood with their reasons, dead-letters them, and keeps serving', async () => {
    // A site's operator watching the source's dead letters (subscribed before anything is refused).
    const watcher = await connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: 'road-sensors', password: secrets['road-sensors'] as string, reconnectPeriod: 0 });
    const deadLetters: unknown[] = [];
    watcher.on('message', (_topic, body) => deadLetters.push(JSON.parse(body.toString())));
    await watcher.subscribeAsync('zhili/v1/dead-letter/road-sensors');

    await publish('road-sensors', 'zhili/v1/sensors/SN000002/reading', '{"value": 1.0, "at":');
    await publish('road-sensors', 'zhili/v1/sensors/SN999999/reading', JSON.stringify({ value: 1, at: new Date().toISOString() }));
    await waitUntil(() => deadLetters.length, (count) => count >= 2, 'the dead letters');
    expect(deadLetters[0]).toMatchObject({ topic: 'zhili/v1/sensors/SN000002/reading', reason: 'not-json', payload: '{"value": 1.0, "at":' });
    expect(deadLetters[1]).toMatchObject({ topic: 'zhili/v1/sensors/SN999999/reading', reason: 'unknown-device' });
    await watcher.endAsync();

    // A device gone wild: far past its source's 2,000 messages a second (burst 10,000).
    const at = new Date().toISOString();
    await publish('road-sensors', 'zhili/v1/sensors/SN000003/reading', Array.from({ length: 30_000 }, (_, index) => JSON.stringify({ value: index % 7, at })));
    const stats = await waitUntil(() => sourceStats('road-sensors'), (source) => (source?.rejected['rate-limited'] ?? 0) > 0, 'the flood to be limited', 20_000);
    expect(stats?.rejected).toMatchObject({ 'not-json': 1, 'unknown-device': 1 });

    // Still serving: its health answers, and a good message from another source is taken at once.
    expect((await fetch(`${backendUrl}/healthz`)).status).toBe(200);
    await publish('demo-city', 'zhili/v1/vehicles/VH000001/position', JSON.stringify({ position: [106.55, 29.57], at: new Date().toISOString() }));
    await waitUntil(() => sourceStats('demo-city'), (source) => source?.accepted === 1, 'a good message after the flood');

    // The console's ingestion panel shows each reason, for an operator who never reads a log.
    const browser = await launchChromium();
    try {
      // Wide enough that the header shows Settings rather than folding it into its menu.
      const page = await (await signedInContext(browser, base, { viewport: { width: 1400, height: 850 } })).newPage();
      await page.goto(`${base}plans`);
      await page.getByTestId('settings-open').click();
      const row = page.locator('[data-testid="ingest-source"][data-source="road-sensors"]');
      await expect.poll(() => row.locator('[data-reason]').evaluateAll((spans) => spans.map((span) => span.getAttribute('data-reason'))), { timeout: 10_000 }).toEqual(
        expect.arrayContaining(['not-json', 'unknown-device', 'rate-limited']),
      );
      expect(await row.getByTestId('ingest-last-rejection').textContent()).toMatch(/\S/);
    } finally {
      await browser.close();
    }
  });

  it('moves the city from `npm run simulate` in another process, publishing to the backend’s broker', async () => {
    const before = await new Promise<FeedTick>((resolve) => {
      const unsubscribe = client.subscribe('feed.tick', (tick) => {
        unsubscribe();
        resolve(tick);
      });
    });
    const acceptedBefore = (await sourceStats('demo-city'))?.accepted ?? 0;
    const { code, output } = await runToExit('out/backend/simulate.mjs', [
      '--mqtt-url', `mqtt://127.0.0.1:${mqttPort}`, '--mqtt-username', 'demo-city', '--mqtt-password-file', credentialFiles['demo-city'] as string,
      '--city-dir', testCityDir(), '--ticks', '3', '--tick-ms', '200',
    ]);
    expect(code, output).toBe(0);
    const sent = Number(/sent (\d+) messages in 3 ticks \(0 refused\)/.exec(output)?.[1]);
    expect(sent).toBeGreaterThan(3 * 1500);
    // Every one taken, and the vehicles moved off their depots.
    await waitUntil(() => sourceStats('demo-city'), (source) => source?.accepted === acceptedBefore + sent, 'every simulated message', 20_000);
    const after = await new Promise<FeedTick>((resolve) => {
      const unsubscribe = client.subscribe('feed.tick', (tick) => {
        unsubscribe();
        resolve(tick);
      });
    });
    const moved = after.vehiclePositions.filter((value, index) => value !== before.vehiclePositions[index]).length;
    expect(moved).toBeGreaterThan(1000);
  });
});
