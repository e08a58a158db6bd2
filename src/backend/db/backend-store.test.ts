import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { TEST_POSTGRES_URL } from '../../../test/helpers/test-stores.js';
import { StartupError } from '../../node/startup-error.js';
import { openBackendStore, postgresWhere } from './backend-store.js';

describe('opening the backend store on PostgreSQL', () => {
  const at = (change: (url: URL) => void) => {
    const url = new URL(TEST_POSTGRES_URL);
    change(url);
    return url.toString();
  };

  it('stops the start with what to do when the server is out of reach or the database missing, never showing a password', async () => {
    // A port nothing listens on: the server is down or the URL wrong.
    const down = at((url) => {
      url.port = '1';
      url.password = 's3cret';
    });
    const unreachable = openBackendStore({ engine: 'postgres', url: down }, { logger: recordingLogger() });
    await expect(unreachable).rejects.toThrow(StartupError);
    await expect(unreachable).rejects.toThrow(/^Cannot reach PostgreSQL at [^ ]+:1\/postgres \(ECONNREFUSED\): start it, or correct the host and port in --database-url/);
    await expect(unreachable).rejects.not.toThrow(/s3cret/);
    const missing = openBackendStore({ engine: 'postgres', url: at((url) => void (url.pathname = '/zhili_no_such_database')) }, { logger: recordingLogger() });
    await expect(missing).rejects.toThrow(/has no such database .*: create it \(createdb\), or correct the database in --database-url\.$/);
  });

  it('names the server without the password', () => {
    expect(postgresWhere('postgres://zhili:s3cret@db.example.cn:6432/city')).toBe('db.example.cn:6432/city');
    expect(postgresWhere('postgresql://db.example.cn/city')).toBe('db.example.cn:5432/city');
  });
});
