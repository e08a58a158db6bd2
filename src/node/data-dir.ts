import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError, errorCode, errorMessage } from './startup-error.js';

/** Makes sure the data folder exists and takes writes, before anything else is opened in it. */
export function prepareDataDir(dataDir: string): void {
  const probe = join(dataDir, `.write-probe-${process.pid}`);
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    throw new StartupError(
      `The data folder ${dataDir} is not writable (${errorCode(error) ?? errorMessage(error)}): fix its permissions or choose another with --data-dir or ZHILI_DATA_DIR.`,
      { cause: error },
    );
  }
}
