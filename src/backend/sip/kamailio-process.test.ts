import { spawn } from 'node:child_process';
import { processAlive } from '../../../test/helpers/processes.js';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../node/listen.js';
import { kamailioInstalled, startKamailio, type RunningKamailio } from './kamailio-process.js';

const secret = 'fe'.repeat(24);
let dir: string;
const running: RunningKamailio[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zhili-kamailio-'));
});
afterEach(async () => {
  for (const kamailio of running.splice(0)) await kamailio.stop();
  rmSync(dir, { recursive: true, force: true });
});

const start = async () => {
  const kamailio = await startKamailio({ listenHost: '127.0.0.1', wsPort: await freeLoopbackPort(), domain: 'zhili.test', secret }, join(dir, 'kamailio'));
  running.push(kamailio);
  return kamailio;
};
const accepts = (url: string) =>
  new Promise<boolean>((done) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => done(socket.destroy() !== undefined));
    socket.once('error', () => done(false));
  });

describe.skipIf(!kamailioInstalled())('startKamailio', () => {
  it('keeps the secret in a 0600 config in a 0700 folder, never on a command line', async () => {
    const previous = process.umask(0o000);
    let kamailio: RunningKamailio;
    try {
      kamailio = await start();
    } finally {
      process.umask(previous);
    }
    expect(statSync(join(dir, 'kamailio')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'kamailio', 'kamailio.cfg')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'kamailio', 'kamailio.cfg'), 'utf8')).toContain(secret);
    expect(readFileSync(`/proc/${kamailio.pid}/cmdline`, 'utf8')).not.toContain(secret);
  });

  it('ends a stale kamailio of this folder and its workers before starting again', async () => {
    const stale = await start();
    const fresh = await start();
    await stale.exited;
    expect(processAlive(stale.pid)).toBe(false);
    expect(await accepts(stale.wsUrl)).toBe(false);
    expect(await accepts(fresh.wsUrl)).toBe(true);
  });

  it('leaves alone an unrelated process that the pid file names, even when its command line names this folder', async () => {
    const runDir = join(dir, 'kamailio');
    await start().then((kamailio) => kamailio.stop());
    running.length = 0;
    // Same words as kamailio's own command line, another program: a substring match would have killed it.
    const decoy = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', '-f', join(runDir, 'kamailio.cfg'), '-P', join(runDir, 'kamailio.pid'), '-w', runDir], { stdio: 'ignore' });
    try {
      writeFileSync(join(runDir, 'kamailio.pid'), `${decoy.pid}\n`);
      const kamailio = await start();
      expect(await accepts(kamailio.wsUrl)).toBe(true);
      expect(processAlive(decoy.pid as number)).toBe(true);
      expect(decoy.exitCode).toBeNull();
    } finally {
      decoy.kill('SIGKILL');
      await once(decoy, 'exit');
    }
  });
});
