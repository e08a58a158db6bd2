import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_VERSION } from '../shared/app-version.js';
import { prepareDataDir } from '../node/data-dir.js';
import { DEFAULT_BACKEND_PORT, parseHostConfig } from '../node/host-config.js';
import { createFileLogger } from '../node/logger.js';
import { installLastResortHandlers } from '../node/health.js';
import { runUntilSignalled } from '../node/process-lifecycle.js';
import { StartupError } from '../node/startup-error.js';
import { startBackend } from './backend-server.js';
import { announceCertificate, entryPointTls } from '../node/tls/index.js';
import { backendStoreLocation, openBackendStore } from './db/backend-store.js';
import { consoleAdminOptions, runConsoleAdmin } from './consoles/index.js';
import { parseCredentialAdmin } from './credentials/index.js';
import { runSourceAdmin, sourceAdminOptions, takeSourceScope } from './ingest/index.js';

// The bundle sits in out/backend/; the app root two levels up.
const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

await runUntilSignalled('backend', async () => {
  const { scope, rest: withoutScope } = takeSourceScope(process.argv.slice(2));
  const { command, rest } = parseCredentialAdmin(withoutScope, [consoleAdminOptions, sourceAdminOptions]);
  if (scope !== null && !(command?.subject === 'source' && command.kind === 'add')) throw new StartupError('--may-report and --devices go with --add-source <name>.');
  const config = parseHostConfig({ argv: rest, env: process.env, defaultPort: DEFAULT_BACKEND_PORT });
  prepareDataDir(config.dataDir);
  const logger = createFileLogger({ directory: join(config.dataDir, 'logs'), name: 'backend', echo: (line) => console.error(line) });
  const backendDataDir = join(config.dataDir, 'backend');
  if (command !== null) {
    // The same database the running backend reads on every console handshake and source connection: adding and
    // revoking take effect there at once (within seconds for a source's open MQTT connections), running or not.
    const store = await openBackendStore(backendStoreLocation(backendDataDir, config.databaseUrl), { logger: logger.child(`${command.subject}s`) });
    try {
      console.log(command.subject === 'console' ? await runConsoleAdmin(command, store) : await runSourceAdmin(command, store, scope));
    } finally {
      await store.close();
    }
    process.exit(0);
  }
  installLastResortHandlers(logger.child('last-resort'));
  const { served, tls } = await entryPointTls('backend', config, logger.child('tls'));
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
    mqtt: config.mqtt,
    simulator: config.simulator,
    databaseUrl: config.databaseUrl,
    tls,
    served,
  });
  // Consoles trust a self-signed certificate with --backend-ca-file <the certificate file>.
  if (tls) console.log(`${announceCertificate('Zhili backend', tls)} (give consoles --backend-ca-file ${tls.certFile})`);
  console.log(`Zhili backend: ${backend.url}`);
  const mqtt = backend.ingestion().mqtt;
  if (mqtt.kind === 'embedded') {
    console.log(`Zhili backend: devices publish to mqtt://127.0.0.1:${mqtt.port} (each source needs a credential: --add-source <name> --credential-out <file>).`);
  }
  console.log('Zhili backend: consoles need a credential of their own (--enrol-console <name> --credential-out <file>; --list-consoles shows them).');
  return () => backend.close();
});
