import { randomBytes } from 'node:crypto';
import { freeLoopbackPort } from '../../src/node/listen.js';
import { join } from 'node:path';
import { kamailioInstalled, startKamailio, type RunningKamailio } from '../../src/backend/sip/kamailio-process.js';
import { ensurePrivateDir, writePrivateFile } from '../../src/node/private-files.js';

export { kamailioInstalled };

export interface TestSipServer {
  /** The host options that point a console (and its embedded backend) at this server. */
  hostArgs: string[];
  kamailio: RunningKamailio;
  /** Kills kamailio outright (registrations are lost with it). */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same secret. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A real kamailio on a free loopback port with a fresh secret, as the centre's SIP server of one test file. */
export async function startTestSipServer(workDir: string): Promise<TestSipServer> {
  const config = { listenHost: '127.0.0.1', wsPort: await freeLoopbackPort(), domain: 'zhili.test', secret: randomBytes(24).toString('hex') };
  const runDir = join(workDir, 'kamailio');
  let kamailio = await startKamailio(config, runDir);
  // As an operator would: the secret in a file only this user reads, never on a command line.
  ensurePrivateDir(workDir);
  const secretFile = join(workDir, 'sip-secret');
  writePrivateFile(secretFile, `${config.secret}\n`);
  const server: TestSipServer = {
    hostArgs: ['--sip-server', kamailio.wsUrl, '--sip-domain', config.domain, '--sip-secret-file', secretFile],
    kamailio,
    kill: () => kamailio.stop('SIGKILL'),
    async start() {
      kamailio = await startKamailio(config, runDir);
      server.kamailio = kamailio;
    },
    stop: () => kamailio.stop(),
  };
  return server;
}
