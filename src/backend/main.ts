import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_VERSION } from '../shared/app-version.js';
import { prepareDataDir } from '../node/data-dir.js';
import { DEFAULT_BACKEND_PORT, parseHostConfig } from '../node/host-config.js';
import { createFileLogger } from '../node/logger.js';
import { installLastResortHandlers } from '../node/health.js';
import { runUntilSignalled } from '../node/process-lifecycle.js';
import { StartupError } from '../node/startup-error.js';
import { openDatabase } from '../node/sqlite.js';
import { startBackend } from './backend-server.js';
import { backendMigrations } from './db/backend-migrations.js';
import { parseConsoleAdmin, runConsoleAdmin } from './consoles/console-admin.js';

// The bundle sits in out/backend/; the app root two levels up.
const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

await runUntilSignalled('backend', async () => {
  const { command, rest } = parseConsoleAdmin(process.argv.slice(2));
  const config = parseHostConfig({ argv: rest, env: process.env, defaultPort: DEFAULT_BACKEND_PORT });
  // Said at once to an operator still giving the shared token of earlier versions; ZHILI_TOKEN alone is the web host's
  // and may be set for both in one environment, so it is left to that host.
  if (rest.some((arg) => /^--token(-file)?(=|$)/.test(arg))) {
    throw new StartupError(
      'The backend takes no --token-file: each console has a credential of its own; enrol one with --enrol-console <name> --credential-out <file>.',
    );
  }
  prepareDataDir(config.dataDir);
  const logger = createFileLogger({ directory: join(config.dataDir, 'logs'), name: 'backend', echo: (line) => console.error(line) });
  const backendDataDir = join(config.dataDir, 'backend');
  if (command !== null) {
    // The same database the running backend reads on every console handshake: enrolment and revocation take effect
    // there at once, running or not.
    const db = openDatabase({ file: join(backendDataDir, 'backend.sqlite'), migrations: backendMigrations, logger: logger.child('consoles') });
    try {
      console.log(runConsoleAdmin(command, db));
    } finally {
      db.close();
    }
    process.exit(0);
  }
  installLastResortHandlers(logger.child('last-resort'));
  const backend = await startBackend({
    host: config.host,
    port: config.port,
    dataDir: backendDataDir,
    cityDir: config.cityDir ?? join(appRoot, 'resources', 'city', 'generated'),
    videoDir: join(appRoot, 'resources', 'video', 'demo'),
    camerasFile: config.camerasFile,
    inProcessConsoleCredential: null,
    appVersion: APP_VERSION,
    logger,
    sip: config.sip,
    demoPtzCameras: config.demoPtzCameras,
  });
  console.log(`Zhili backend: ${backend.url}`);
  console.log('Zhili backend: consoles need a credential of their own (--enrol-console <name> --credential-out <file>; --list-consoles shows them).');
  return () => backend.close();
});
