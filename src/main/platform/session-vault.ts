import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { SafeStorage } from 'electron';
import type { Logger } from '../../node/logger.js';
import { writePrivateFile } from '../../node/private-files.js';

/** Where the Electron app keeps its one session credential between starts (the web host's browser keeps a cookie). */
export interface SessionVault {
  /** The credential kept by an earlier start, or null. */
  load(): string | null;
  /** Keeps the app's credential for the next start; null forgets it. */
  save(secret: string | null): void;
}

/**
 * Electron's safeStorage as this vault uses it. The synchronous calls, because only they let Linux's fallback to a
 * hard-coded password (`basic_text`) be told apart from a keyring; the file is read once at start, before any window.
 * getSelectedStorageBackend exists on Linux only.
 */
export type VaultStorage = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

/**
 * The app's credential in `file`, encrypted by the operating system's keyring (base64 of safeStorage's bytes, 0600).
 * With no keyring the secret is never written in a readable form: the app keeps it in memory only, and a restart
 * starts without it. Call after the app is ready (safeStorage reports no encryption before).
 */
export function keyringSessionVault(file: string, storage: VaultStorage, logger: Logger): SessionVault {
  const encrypts = storage.isEncryptionAvailable() && storage.getSelectedStorageBackend?.() !== 'basic_text';
  if (!encrypts) {
    logger.warn('the operating system offers no keyring to encrypt the sign-in session with (on Linux: no Secret Service or KWallet), so it is kept in memory only: a restart does not bring back who was signed in, nor a lock');
  }
  return {
    load() {
      if (!encrypts || !existsSync(file)) return null;
      try {
        return storage.decryptString(Buffer.from(readFileSync(file, 'utf8'), 'base64'));
      } catch (error) {
        // Another user's or a reset keyring, or a damaged file: the session is lost, the windows ask to sign in.
        logger.warn('could not decrypt the kept sign-in session; it is dropped', { file, error });
        rmSync(file, { force: true });
        return null;
      }
    },
    save(secret) {
      // Without a keyring a file kept from an earlier start no longer holds the app's session: it goes too.
      if (secret === null || !encrypts) rmSync(file, { force: true });
      else writePrivateFile(file, storage.encryptString(secret).toString('base64'));
    },
  };
}
