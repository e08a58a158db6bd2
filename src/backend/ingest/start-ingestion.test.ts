import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { testStores } from '../../../test/helpers/test-stores.js';
import { systemClock } from '../../shared/clock/index.js';
import { startIngestion } from './start-ingestion.js';

describe('startIngestion', () => {
  const stores = testStores('sqlite');

  it('serves without a broker when its port is taken (another Zhili on this machine), saying why', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const store = await stores.fresh();
    const logger = recordingLogger();
    const ingest = await startIngestion({ mqtt: { kind: 'embedded', port }, store, target: { apply: () => 'applied' }, clock: systemClock, logger });
    try {
      expect(ingest.stats().mqtt).toEqual({ kind: 'none', reason: expect.stringContaining(`Port ${port} on 127.0.0.1 is already in use`) });
      expect(ingest.stats().mqtt).toMatchObject({ reason: expect.stringContaining('--mqtt-port') });
      expect(ingest.outage()).toBeNull();
      expect(logger.records.some((record) => record.level === 'warn' && record.message.startsWith('no MQTT broker'))).toBe(true);
    } finally {
      await ingest.dispose();
      holder.close();
    }
  });
});
