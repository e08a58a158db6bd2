import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_VERSION } from '../shared/app-version.js';
import { prepareDataDir } from '../node/data-dir.js';
import { DEFAULT_BACKEND_PORT, isLoopback, parseHostConfig } from '../node/host-config.js';
import { createFileLogger } from '../node/logger.js';
import { installLastResortHandlers } from '../node/health.js';
import { runUntilSignalled } from '../node/process-lifecycle.js';
import { accessToken } from '../node/token.js';
import { startBackend } from './backend-server.js';
import { announceCertificate, hostCredentials, servedNames } from '../node/tls/index.js';

// The bundle sits in out/backend/; the app root two levels up.
const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

await runUntilSignalled('backend', async () => {
  const config = parseHostConfig({ argv: process.argv.slice(2), env: process.env, defaultPort: DEFAULT_BACKEND_PORT });
  prepareDataDir(config.dataDir);
  const token = accessToken(config.token, !isLoopback(config.host), join(config.dataDir, 'backend-token'));
  const logger = createFileLogger({ directory: join(config.dataDir, 'logs'), name: 'backend', echo: (line) => console.error(line) });
  installLastResortHandlers(logger.child('last-resort'));
  const served = servedNames(config.host, config.serverNames);
  const tls = await hostCredentials({
    configured: config.tls,
    listenHost: config.host,
    served,
    selfSigned: { certFile: join(config.dataDir, 'backend-tls-cert.pem'), keyFile: join(config.dataDir, 'backend-tls-key.pem') },
    logger: logger.child('tls'),
  });
  const backend = await startBackend({
    host: config.host,
    port: config.port,
    dataDir: join(config.dataDir, 'backend'),
    cityDir: config.cityDir ?? join(appRoot, 'resources', 'city', 'generated'),
    videoDir: join(appRoot, 'resources', 'video', 'demo'),
    camerasFile: config.camerasFile,
    token: token?.value ?? null,
    appVersion: APP_VERSION,
    logger,
    sip: config.sip,
    demoPtzCameras: config.demoPtzCameras,
    tls,
    served,
  });
  // Consoles trust a self-signed certificate with --backend-ca-file <the certificate file>.
  if (tls) console.log(`${announceCertificate('Zhili backend', tls)} (give consoles --backend-ca-file ${tls.certFile})`);
  console.log(`Zhili backend: ${backend.url}`);
  // In full only the first time; consoles take it from a file (--backend-token-file) or ZHILI_BACKEND_TOKEN.
  if (token?.createdNow) console.log(`Zhili backend token (kept in ${token.file}; give consoles --backend-token-file): ${token.value}`);
  else if (token?.file) console.log(`Zhili backend token: in ${token.file} (give consoles --backend-token-file)`);
  return () => backend.close();
});
