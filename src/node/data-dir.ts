import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir } from './private-files.js';
import { StartupError, errorCode, errorMessage } from './startup-error.js';

/**
 * Makes sure the data folder exists, is this user's alone (0700: it holds databases, logs and secrets) and takes
 * writes, before anything else is opened in it.
 */
export function prepareDataDir(dataDir: string): void {
  const probe = join(dataDir, `.write-probe-${process.pid}`);
  try {
    ensurePrivateDir(dataDir);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    throw new StartupError(
      `The data folder ${dataDir} is not writable (${errorCode(error) ?? errorMessage(error)}): fix its permissions or choose another with --data-dir or ZHILI_DATA_DIR.`,
      { cause: error },
    );
  }
}
