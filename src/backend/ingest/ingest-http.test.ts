import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { startTestBackend } from '../../../test/helpers/test-backend.js';
import { BACKEND_PROTOCOL_VERSION, BackendReplySchema, backendMethods } from '../../shared/backend/protocol.js';
import type { RunningBackend } from '../backend-server.js';
import { generateConsoleCredential } from '../consoles/index.js';
import { backendStoreLocation, openBackendStore } from '../db/backend-store.js';
import { SourceCredentials } from './source-credentials.js';

/** A system that speaks HTTP only posts the same messages to the backend's /ingest/v1/ route. */
describe('ingestion over HTTP (a real backend)', () => {
  const logger = recordingLogger();
  let work: string;
  let backend: RunningBackend;
  let credential: string;
  const consoleCredential = generateConsoleCredential();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-ingest-http-'));
    // As --add-source does: on the backend's database, before or while it runs.
    const store = await openBackendStore(backendStoreLocation(work, null), { logger });
    credential = (await new SourceCredentials(store).add('crew-terminals')).credential;
    await store.close();
    backend = await startTestBackend({ dataDir: work, logger, inProcessConsoleCredential: consoleCredential });
  });

  afterAll(async () => {
    await backend?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const post = (path: string, body: string, authorization: string | null = `Bearer ${credential}`) =>
    fetch(`${backend.url}/ingest/v1/${path}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) } });
  const status = (position: [number, number] | null = [106.55, 29.56]) => JSON.stringify({ status: 'busy', position, at: new Date().toISOString() });

  it('accepts a message with 202', async () => {
    const response = await post('crews/CR0001/status', status());
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: true });
  });

  it('answers 401 without a valid credential, whatever the URL carries', async () => {
    for (const authorization of [null, 'Bearer nope', `Basic ${credential}`]) {
      const response = await post('crews/CR0001/status', status(), authorization);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'unauthorized' });
    }
    const inUrl = await fetch(`${backend.url}/ingest/v1/crews/CR0001/status?token=${credential}`, { method: 'POST', body: status() });
    expect(inUrl.status).toBe(401);
  });

  it('answers a refusal with its code and detail', async () => {
    const cases: [string, string, number, string][] = [
      ['crews/CR0001/status', '{"status": "busy"', 400, 'not-json'],
      ['crews/CR0001/status', JSON.stringify({ status: 'asleep', position: null, at: new Date().toISOString() }), 400, 'schema'],
      ['crews/CR9999/status', status(), 422, 'unknown-device'],
      ['crews/CR0001/mood', status(), 404, 'unknown-topic'],
      ['crews/CR0001/status', 'x'.repeat(70_000), 413, 'too-large'],
    ];
    for (const [path, body, code, error] of cases) {
      const response = await post(path, body);
      expect(response.status, error).toBe(code);
      expect(await response.json()).toMatchObject({ error, detail: expect.any(String) });
    }
    expect((await fetch(`${backend.url}/ingest/v1/crews/CR0001/status`)).status).toBe(405);
  });

  it('reports each source in /healthz and to consoles (ingest:stats)', async () => {
    // /healthz answers anyone who reaches the port: only how much arrives and is refused, no source or device names.
    const health = (await (await fetch(`${backend.url}/healthz`)).json()) as { ingestion: { mqtt: string; sources: number; accepted: number; rejected: number } };
    expect(health.ingestion).toMatchObject({ mqtt: 'none', sources: 1 });
    expect(health.ingestion.accepted).toBeGreaterThan(0);
    expect(health.ingestion.rejected).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(health)).not.toContain('crew-terminals');
    // The same, for a console's ingestion panel, over its authenticated socket.
    const client = io(backend.url, { transports: ['websocket'], auth: { protocol: BACKEND_PROTOCOL_VERSION, consoleId: 'panel', appVersion: '0.1.0', credential: consoleCredential } });
    try {
      const reply = BackendReplySchema(backendMethods['ingest:stats'].reply).parse(await client.emitWithAck('ingest:stats', null));
      expect(reply.ok && reply.value.sources.find((entry) => entry.source === 'crew-terminals')?.rejected).toMatchObject({ 'not-json': 1, 'unknown-device': 1 });
    } finally {
      client.close();
    }
  });
});
