import { join } from 'node:path';
import { expect } from 'vitest';
import { runToExit } from './processes.js';

/**
 * Enrols a console with a standalone backend's own command (`--enrol-console`), as an operator does, and returns the
 * 0600 file that holds its credential, for the console's `--backend-token-file`. The file lies beside the backend's
 * data folder, named after the console.
 */
export async function enrolConsole(backendDataDir: string, name: string): Promise<string> {
  const credentialFile = join(backendDataDir, '..', `${name}.credential`);
  const { code, output } = await runToExit('out/backend/backend.mjs', ['--data-dir', backendDataDir, '--enrol-console', name, '--credential-out', credentialFile]);
  expect(output).toContain(`Enrolled console "${name}"`);
  expect(code).toBe(0);
  return credentialFile;
}
