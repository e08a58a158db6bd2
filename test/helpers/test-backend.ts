import { join } from 'node:path';
import { startBackend, type BackendOptions, type RunningBackend } from '../../src/backend/backend-server.js';
import type { Logger } from '../../src/node/logger.js';
import { repoRoot } from './processes.js';
import { testCityDir } from './test-city.js';

/**
 * A backend inside the test's process, on loopback and the small test city, as a console's embedded one runs: no SIP
 * server and no demo PTZ cameras unless the test asks. `inProcessConsoleCredential` admits one console without the
 * enrolment command (null: only consoles enrolled in its database).
 */
export function startTestBackend(options: { dataDir: string; logger: Logger; inProcessConsoleCredential: string | null } & Partial<BackendOptions>): Promise<RunningBackend> {
  return startBackend({
    host: '127.0.0.1',
    port: 0,
    cityDir: testCityDir(),
    videoDir: join(repoRoot, 'resources', 'video', 'demo'),
    camerasFile: null,
    appVersion: '0.1.0',
    sip: { kind: 'none' },
    demoPtzCameras: 0,
    ...options,
  });
}
