import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, type RawData } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { repoRoot } from '../../../test/helpers/processes.js';
import { testCityDir } from '../../../test/helpers/test-city.js';
import { parseHostConfig } from '../../node/host-config.js';
import { startConsole, type StartedConsole } from '../compose/start-console.js';
import { startWebServer, type WebServer } from './web-server.js';

/** What the web host does with WebSocket messages no tab sends: each is refused, answered where it can be, and logged. */
describe('web host: malformed WebSocket messages', () => {
  const logger = recordingLogger();
  let work: string;
  let started: StartedConsole;
  let server: WebServer;
  const warnings = (message: string) => logger.records.filter((record) => record.level === 'warn' && record.message === message);

  /** A connected tab's socket and the messages it has received after the host's hello. */
  const open = async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`);
    const received: unknown[] = [];
    await new Promise<void>((resolve) => ws.once('message', () => resolve()));
    ws.on('message', (data: RawData) => received.push(JSON.parse(data.toString())));
    return { ws, received };
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-ws-rejections-'));
    const config = parseHostConfig({ argv: ['--port', '0', '--data-dir', work, '--sip-server', 'none', '--demo-ptz-cameras', '0'], env: {}, defaultPort: 0 });
    started = await startConsole({ config, host: 'web', appVersion: '0.1.0', cityDir: testCityDir(), videoDir: join(repoRoot, 'resources', 'video', 'demo'), plansDir: join(repoRoot, 'plans') });
    server = await startWebServer({ core: started.core, host: config.host, port: 0, rendererDir: join(work, 'no-renderer'), logger });
  });

  afterAll(async () => {
    await server?.close();
    await started?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('answers and logs a subscription or unsubscription to an event that does not exist', async () => {
    const { ws, received } = await open();
    ws.send(JSON.stringify({ t: 'subscribe', event: 'no.such.event' }));
    ws.send(JSON.stringify({ t: 'unsubscribe', event: '__proto__' }));
    await expect.poll(() => received).toEqual([
      { t: 'error', error: { code: 'invalid-message', message: 'Unknown event "no.such.event".' } },
      { t: 'error', error: { code: 'invalid-message', message: 'Unknown event "__proto__".' } },
    ]);
    expect(warnings('rejected a subscription')).toHaveLength(1);
    expect(warnings('rejected an unsubscription')).toHaveLength(1);
    ws.close();
  });

  it('refuses nesting too deep to handle before parsing it, and logs why', async () => {
    const { ws, received } = await open();
    ws.send(`{"t":"call","id":1,"method":"webrtc.open","params":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    await expect.poll(() => received).toEqual([{ t: 'error', error: expect.objectContaining({ code: 'invalid-message' }) }]);
    expect(warnings('rejected a malformed message').map((record) => record.fields?.reason)).toEqual(['too deep']);
    ws.close();
  });

  it('logs a text frame that is not UTF-8, which closes the connection', async () => {
    const { ws } = await open();
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { binary: false });
    expect(await closed).toBe(1007);
    await expect.poll(() => warnings('rejected a WebSocket frame; the connection is closed').map((record) => record.fields?.code)).toEqual(['WS_ERR_INVALID_UTF8']);
  });
});
