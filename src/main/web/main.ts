import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_VERSION } from '../../shared/app-version.js';
import { DEFAULT_WEB_PORT, parseHostConfig } from '../../node/host-config.js';
import { installLastResortHandlers } from '../../node/health.js';
import { runUntilSignalled } from '../../node/process-lifecycle.js';
import { ONE_TIME_CODE_FRAGMENT } from '../../shared/identity/accounts.js';
import { firstPasswordNotice, startConsole } from '../compose/start-console.js';
import { startWebServer } from './web-server.js';
import { announceCertificate, entryPointTls } from '../../node/tls/index.js';

// The bundle sits in out/main/; the built renderer in out/renderer/; the app root two levels up.
const here = dirname(fileURLToPath(import.meta.url));
const appRoot = join(here, '..', '..');

await runUntilSignalled('web host', async () => {
  const config = parseHostConfig({ argv: process.argv.slice(2), env: process.env, defaultPort: DEFAULT_WEB_PORT });
  const started = await startConsole({
    config,
    host: 'web',
    appVersion: APP_VERSION,
    cityDir: config.cityDir ?? join(appRoot, 'resources', 'city', 'generated'),
    videoDir: join(appRoot, 'resources', 'video', 'demo'),
    plansDir: config.plansDir ?? join(appRoot, 'plans'),
    echo: (line) => console.error(line),
  });
  installLastResortHandlers(started.logger.child('last-resort'));
  try {
    const { served, tls } = await entryPointTls('web', config, started.logger.child('tls'));
    const server = await startWebServer({
      core: started.core,
      host: config.host,
      port: config.port,
      rendererDir: join(appRoot, 'out', 'renderer'),
      tls,
      served,
      logger: started.logger.child('web'),
    });
    started.logger.info('web host ready', { url: server.url, certificate: tls?.fingerprint256 ?? null });
    // Before the URL line: whoever waits for the URL has the fingerprint to pin already.
    if (tls) console.log(announceCertificate('Zhili web host', tls));
    // On the operator's terminal only, never in the log file: a link that signs one browser in as the administrator
    // (once, within a day), so that a newcomer reaches the map without a password; and the first password, once.
    const code = started.core.identity.signInLinkCode();
    console.log(`Zhili web host: ${server.url}${code === null ? '' : `#${ONE_TIME_CODE_FRAGMENT}=${code} (this link signs one browser in, once)`}`);
    const notice = firstPasswordNotice(started.firstAdministrator);
    if (notice !== null) console.log(notice);
    return async () => {
      await server.close();
      await started.stop();
    };
  } catch (error) {
    await started.stop();
    throw error;
  }
});
