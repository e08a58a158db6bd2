import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { keyringSessionVault, type VaultStorage } from './session-vault.js';

const SECRET = 'app-session-secret-0123456789abcdef';

/** safeStorage with a keyring of one byte: enough to tell what it wrote from the secret, and to fail as a reset keyring does. */
function fakeStorage(options: { available?: boolean; backend?: 'basic_text' | 'gnome_libsecret' } = {}) {
  const key = 0x5a;
  const xor = (bytes: Buffer) => Buffer.from(bytes.map((byte) => byte ^ key));
  const storage: VaultStorage = {
    isEncryptionAvailable: () => options.available ?? true,
    encryptString: (plain) => Buffer.concat([Buffer.from('v11'), xor(Buffer.from(plain, 'utf8'))]),
    decryptString: (encrypted) => {
      if (encrypted.subarray(0, 3).toString() !== 'v11') throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return xor(encrypted.subarray(3)).toString('utf8');
    },
  };
  const backend = options.backend;
  if (backend !== undefined) storage.getSelectedStorageBackend = () => backend;
  return storage;
}

describe('keyringSessionVault', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zhili-session-vault-'));
    file = join(dir, 'app-session');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Every byte under the folder, so that no file (a temporary one included) may hold the secret readable. */
  const everything = () => readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8')).join('\n');

  it('keeps the credential encrypted in a 0600 file across starts, and forgets it on null', () => {
    const logger = recordingLogger();
    keyringSessionVault(file, fakeStorage({ backend: 'gnome_libsecret' }), logger).save(SECRET);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(everything()).not.toContain(SECRET);
    expect(Buffer.from(everything(), 'base64').toString('utf8')).not.toContain(SECRET);
    const restarted = keyringSessionVault(file, fakeStorage({ backend: 'gnome_libsecret' }), logger);
    expect(restarted.load()).toBe(SECRET);
    restarted.save(null);
    expect(existsSync(file)).toBe(false);
    expect(restarted.load()).toBeNull();
    expect(logger.records.filter((record) => record.level === 'warn')).toEqual([]);
  });

  it('writes nothing without a keyring, nor with Linux fallback to a hard-coded password, and warns once why', () => {
    for (const storage of [fakeStorage({ available: false }), fakeStorage({ backend: 'basic_text' })]) {
      const logger = recordingLogger();
      const vault = keyringSessionVault(file, storage, logger);
      vault.save(SECRET);
      vault.save('another secret');
      expect(readdirSync(dir)).toEqual([]);
      expect(vault.load()).toBeNull();
      expect(logger.records.filter((record) => record.level === 'warn')).toEqual([
        expect.objectContaining({ message: expect.stringContaining('kept in memory only') }),
      ]);
    }
  });

  it('removes a file kept under a keyring once there is none: it no longer holds the app session', () => {
    keyringSessionVault(file, fakeStorage(), recordingLogger()).save(SECRET);
    const withoutKeyring = keyringSessionVault(file, fakeStorage({ available: false }), recordingLogger());
    expect(withoutKeyring.load()).toBeNull();
    withoutKeyring.save('the session signed in meanwhile');
    expect(existsSync(file)).toBe(false);
  });

  it('drops a file it cannot decrypt (a reset keyring, a damaged file) and starts with nothing kept', () => {
    writeFileSync(file, Buffer.from('not ours').toString('base64'));
    const logger = recordingLogger();
    expect(keyringSessionVault(file, fakeStorage(), logger).load()).toBeNull();
    expect(existsSync(file)).toBe(false);
    expect(logger.records).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('could not decrypt') }));
  });
});
