import Database from 'better-sqlite3';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { migrate } from '../../node/sqlite.js';
import { systemClock } from '../../shared/clock/index.js';
import { backendMigrations } from '../db/backend-migrations.js';
import { startIngestion } from './start-ingestion.js';

describe('startIngestion', () => {
  it('serves without a broker when its port is taken (another Zhili on this machine), saying why', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const db = new Database(':memory:');
    migrate(db, backendMigrations, recordingLogger());
    const logger = recordingLogger();
    const ingest = await startIngestion({ mqtt: { kind: 'embedded', port }, db, target: { apply: () => 'applied' }, clock: systemClock, logger });
    try {
      expect(ingest.stats().mqtt).toEqual({ kind: 'none', reason: expect.stringContaining(`Port ${port} on 127.0.0.1 is already in use`) });
      expect(ingest.stats().mqtt).toMatchObject({ reason: expect.stringContaining('--mqtt-port') });
      expect(ingest.outage()).toBeNull();
      expect(logger.records.some((record) => record.level === 'warn' && record.message.startsWith('no MQTT broker'))).toBe(true);
    } finally {
      await ingest.dispose();
      holder.close();
      db.close();
    }
  });
});
