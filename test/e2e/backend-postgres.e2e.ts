import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_PROTOCOL_VERSION } from '../../src/shared/backend/protocol.js';
import { parsePlanFile } from '../../src/shared/plans/plan-file.js';
import { planVersionKey, type SyncRecord } from '../../src/shared/sync/sync-records.js';
import { bridgeTestPlanYaml } from '../fixtures/plans/bridge-test-plan.js';
import { runToExit, startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { TEST_POSTGRES_URL } from '../helpers/test-stores.js';

const CONSOLE_ID = '3d0c1c52-7a9e-4f7e-8a36-1e0d2c4b1a07';

/** Issue #16: the standalone backend keeps its store in a site's PostgreSQL database with --database-url. */
describe('the standalone backend on PostgreSQL', () => {
  const database = `zhili_test_${randomBytes(6).toString('hex')}`;
  const databaseUrl = new URL(TEST_POSTGRES_URL);
  databaseUrl.pathname = `/${database}`;
  let work: string;

  const admin = async (statement: string) => {
    const server = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await server.connect();
    try {
      await server.query(statement);
    } finally {
      await server.end();
    }
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-backend-postgres-'));
    await admin(`CREATE DATABASE ${database}`);
  });
  afterAll(async () => {
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    rmSync(work, { recursive: true, force: true });
  });

  const start = () =>
    startProcess(
      'out/backend/backend.mjs',
      ['--port', '0', '--data-dir', join(work, 'backend'), '--city-dir', testCityDir(), '--sip-server', 'none', '--demo-ptz-cameras', '0', '--mqtt-port', 'none', '--database-url', databaseUrl.toString()],
      /Zhili backend: (http:\/\/127\.0\.0\.1:\d+)/,
    );

  it('migrates the database at start, enrols consoles in it and keeps the sync log there across a restart', async () => {
    const credentialFile = join(work, 'desk.credential');
    const enrolled = await runToExit('out/backend/backend.mjs', ['--data-dir', join(work, 'backend'), '--database-url', databaseUrl.toString(), '--enrol-console', 'desk', '--credential-out', credentialFile]);
    expect(enrolled.output).toContain('Enrolled console "desk"');
    const credential = readFileSync(credentialFile, 'utf8').trim();
    const parsed = parsePlanFile('bridge-test.yaml', bridgeTestPlanYaml);
    if (!parsed.ok) throw new Error('the bridge test plan does not parse');
    const record: SyncRecord = { kind: 'plan-version', key: planVersionKey(parsed.plan.id, parsed.plan.version), origin: CONSOLE_ID, body: { plan: parsed.plan, sha256: 'e2e', sourceFile: 'bridge-test.yaml' } };

    const session = async (url: string) => {
      const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { protocol: BACKEND_PROTOCOL_VERSION, consoleId: CONSOLE_ID, appVersion: 'e2e', credential } });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      return socket;
    };
    let backend = await start();
    try {
      const socket = await session(backend.match[1] as string);
      expect(await socket.timeout(5000).emitWithAck('sync:push', [record])).toMatchObject({ ok: true, value: { stored: [record.key], refused: [] } });
      socket.disconnect();
    } finally {
      await backend.stop();
    }
    backend = await start();
    try {
      const socket = await session(backend.match[1] as string);
      expect(await socket.timeout(5000).emitWithAck('sync:pull', { after: 0, limit: 10 })).toEqual({ ok: true, value: { records: [{ seq: 1, record }], through: 1, more: false } });
      socket.disconnect();
    } finally {
      await backend.stop();
    }
    // Nothing went to SQLite.
    expect(existsSync(join(work, 'backend', 'backend', 'backend.sqlite'))).toBe(false);
  });

  it('stops with one sentence when the server is out of reach, and refuses a password on the command line', async () => {
    const down = await runToExit('out/backend/backend.mjs', ['--data-dir', join(work, 'down'), '--port', '0', '--city-dir', testCityDir(), '--sip-server', 'none', '--mqtt-port', 'none', '--database-url', 'postgres://postgres@127.0.0.1:1/zhili']);
    expect(down.code).not.toBe(0);
    expect(down.output).toMatch(/Cannot reach PostgreSQL at 127\.0\.0\.1:1\/zhili \(ECONNREFUSED\): start it, or correct the host and port in --database-url/);
    const visible = await runToExit('out/backend/backend.mjs', ['--data-dir', join(work, 'visible'), '--database-url', 'postgres://zhili:s3cret@127.0.0.1/zhili']);
    expect(visible.code).not.toBe(0);
    expect(visible.output).toMatch(/--database-url with a password would show it to every user of this machine/);
  });
});
