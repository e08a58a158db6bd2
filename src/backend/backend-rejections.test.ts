import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { WebSocket, type RawData } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/helpers/test-logger.js';
import { startTestBackend } from '../../test/helpers/test-backend.js';
import { BACKEND_PROTOCOL_VERSION } from '../shared/backend/protocol.js';
import type { RunningBackend } from './backend-server.js';
import { generateConsoleCredential } from './consoles/index.js';

/** What the backend does with requests no console sends: each is refused, answered where it can be, and logged. */
describe('backend: malformed requests', () => {
  const logger = recordingLogger();
  const credential = generateConsoleCredential();
  let work: string;
  let backend: RunningBackend;
  let client: Socket;
  const warnings = (message: string) => logger.records.filter((record) => record.level === 'warn' && record.message === message);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-backend-rejections-'));
    backend = await startTestBackend({ dataDir: work, logger, inProcessConsoleCredential: credential });
    client = io(backend.url, { transports: ['websocket'], auth: { protocol: BACKEND_PROTOCOL_VERSION, consoleId: 'test-console', appVersion: '0.1.0', credential } });
    await new Promise<void>((resolve) => client.once('connect', resolve));
  });

  afterAll(async () => {
    client?.close();
    await backend?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('answers and logs an unknown event, a console\'s "error" event among them (socket.io listens to "error" itself)', async () => {
    await expect(client.emitWithAck('no-such-event', { a: 1 })).resolves.toEqual({ ok: false, error: 'Unknown event "no-such-event".' });
    await expect(client.emitWithAck('error', 'boom')).resolves.toEqual({ ok: false, error: 'Unknown event "error".' });
    expect(warnings('rejected an unknown event').map((record) => record.fields?.event)).toEqual(['no-such-event', 'error']);
  });

  it('logs a payload that breaks its schema with the event name and the issues', async () => {
    await expect(client.emitWithAck('sync:pull', { after: -1, limit: 10 })).resolves.toEqual({ ok: false, error: expect.stringMatching(/^The request to sync:pull is not valid: after /) });
    await expect(client.emitWithAck('sensors:history', { id: 'SN000001' })).resolves.toEqual({ ok: false, error: expect.stringMatching(/^The request to sensors:history is not valid: \(root\) /) });
    expect(warnings('rejected an invalid payload').map((record) => [record.fields?.event, (record.fields?.issues as { path: string }[])[0]?.path])).toEqual([
      ['sync:pull', 'after'],
      ['sensors:history', '(root)'],
    ]);
  });

  it('answers a call that carries no request argument (an older console) rather than leave it waiting', async () => {
    await expect(client.emitWithAck('incidents:list')).resolves.toEqual({ ok: false, error: 'The request to incidents:list is missing: send null for a method without parameters.' });
    await expect(client.emitWithAck('incidents:list', null)).resolves.toMatchObject({ ok: true });
  });

  it('logs a request sent without an acknowledgement to reply on, and does nothing with it', async () => {
    client.emit('incidents:register', { type: 'gas-leak' });
    await expect.poll(() => warnings('rejected an event without an acknowledgement').map((record) => record.fields?.event)).toEqual(['incidents:register']);
  });

  it('logs a refused handshake, and a packet that socket.io would have crashed on, and still answers', async () => {
    const ws = new WebSocket(`${backend.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const messages: string[] = [];
    ws.on('message', (data: RawData) => messages.push(data.toString()));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('40{"protocol":"two"}');
    await expect.poll(() => messages.some((message) => message.startsWith('44'))).toBe(true);
    ws.send(`40${JSON.stringify({ protocol: BACKEND_PROTOCOL_VERSION, consoleId: 'test-console', appVersion: '0.1.0', credential })}`);
    await expect.poll(() => messages.some((message) => message.startsWith('40{"sid"'))).toBe(true);
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.send(`42["hello"${',0'.repeat(300_000)}]`);
    await closed;
    expect(warnings('rejected a console handshake').map((record) => record.fields?.reason)).toEqual(['bad-handshake']);
    expect(warnings('rejected a malformed socket.io packet; the connection is closed')).toHaveLength(1);
    await expect.poll(() => warnings('closed a connection on a protocol or transport error').map((record) => record.fields?.reason)).toEqual(['forced close']);
    await expect(client.emitWithAck('hello', null)).resolves.toMatchObject({ ok: true });
  });

  it('logs a connection to a namespace other than the main one', async () => {
    const other = io(`${backend.url}/admin`, { transports: ['websocket'], auth: { protocol: BACKEND_PROTOCOL_VERSION, consoleId: 'test-console', appVersion: '0.1.0', credential } });
    const error = await new Promise<Error>((resolve) => other.once('connect_error', resolve));
    other.close();
    expect(error.message).toBe('Invalid namespace');
    expect(warnings('rejected a connection to an unknown namespace').map((record) => record.fields?.namespace)).toEqual(['/admin']);
  });
});
