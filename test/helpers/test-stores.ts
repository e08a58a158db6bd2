import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { openBackendStore, type BackendStore, type StoreEngine, type StoreLocation } from '../../src/backend/db/backend-store.js';
import { errorCode, errorMessage } from '../../src/node/startup-error.js';
import type { Logger } from '../../src/node/logger.js';
import { recordingLogger } from './test-logger.js';

/** Every engine the backend's store runs on; its tests run on each (`describe.each(STORE_ENGINES)`). */
export const STORE_ENGINES: readonly StoreEngine[] = ['sqlite', 'postgres'];

/** The PostgreSQL server the tests use (trust auth on this project's machines and in CI): its maintenance database. */
export const TEST_POSTGRES_URL = process.env.ZHILI_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestStores {
  /** A place no store has used yet: a file in this test file's folder, or a schema of its PostgreSQL database. */
  location(): Promise<StoreLocation>;
  /** Opens (and migrates) the store at `location`; it is closed after the test if the test leaves it open. */
  open(location: StoreLocation, options?: { upTo?: number; logger?: Logger }): Promise<BackendStore>;
  /** An empty store at a new location. */
  fresh(options?: { upTo?: number; logger?: Logger }): Promise<BackendStore>;
}

/**
 * Stores for the tests of one file on `engine`, real on both: SQLite files in a temporary folder, or one PostgreSQL
 * database made for the file (zhili_test_<random>) with a schema per store, dropped after the file. Call it inside
 * `describe`. PostgreSQL out of reach fails the tests with what to do, never skips them: CI has it.
 */
export function testStores(engine: StoreEngine): TestStores {
  let folder = '';
  let database = '';
  let admin: pg.Pool | null = null;
  let count = 0;
  const opened: BackendStore[] = [];

  beforeAll(async () => {
    if (engine === 'sqlite') {
      folder = mkdtempSync(join(tmpdir(), 'zhili-store-'));
      return;
    }
    database = `zhili_test_${randomBytes(6).toString('hex')}`;
    const server = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 });
    try {
      await server.connect();
    } catch (error) {
      throw new Error(
        `PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (${errorCode(error) ?? errorMessage(error)}): the backend's store tests run on it as well as on SQLite. Start it (scripts/install-test-deps.sh installs and starts it), or point ZHILI_TEST_POSTGRES_URL at a server where this user may create databases.`,
        { cause: error },
      );
    }
    try {
      await server.query(`CREATE DATABASE ${database}`);
    } finally {
      await server.end();
    }
    admin = new pg.Pool({ connectionString: databaseUrl(database), max: 1 });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    if (engine === 'sqlite') {
      rmSync(folder, { recursive: true, force: true });
      return;
    }
    await admin?.end();
    const server = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await server.connect();
    try {
      await server.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    } finally {
      await server.end();
    }
  });

  const stores: TestStores = {
    async location() {
      count += 1;
      if (engine === 'sqlite') return { engine, file: join(folder, `store-${count}.sqlite`) };
      const schema = `store_${count}`;
      await (admin as pg.Pool).query(`CREATE SCHEMA ${schema}`);
      // The driver passes `options` to the server as at the start of every connection: the store lives in its schema.
      return { engine, url: `${databaseUrl(database)}?options=${encodeURIComponent(`-c search_path=${schema}`)}` };
    },
    async open(location, options = {}) {
      const store = await openBackendStore(location, { logger: options.logger ?? recordingLogger(), ...(options.upTo !== undefined ? { upTo: options.upTo } : {}) });
      opened.push(store);
      return store;
    },
    async fresh(options) {
      return stores.open(await stores.location(), options);
    },
  };
  return stores;
}

function databaseUrl(database: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${database}`;
  return url.toString();
}
