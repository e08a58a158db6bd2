import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { renderKamailioConfig, type KamailioConfig } from './kamailio-config.js';

export const KAMAILIO_BIN = process.env.ZHILI_KAMAILIO ?? '/usr/sbin/kamailio';

export function kamailioInstalled(): boolean {
  return existsSync(KAMAILIO_BIN);
}

export interface RunningKamailio {
  readonly wsUrl: string;
  readonly pid: number;
  /** Settles when the process exits, for whatever reason. */
  readonly exited: Promise<void>;
  /** Everything kamailio printed so far. */
  output(): string;
  /** Stops it (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Writes the config into `runDir` and starts kamailio in the foreground of this process tree (`-DD -E`), resolving
 * once its WebSocket port accepts connections. The pid file and working folder must be absolute: with a relative
 * `-P` and `-w` kamailio exits without a word.
 */
export async function startKamailio(config: KamailioConfig, runDir: string, timeoutMs = 10_000): Promise<RunningKamailio> {
  if (!kamailioInstalled()) throw new Error(`kamailio is not at ${KAMAILIO_BIN}: install Debian's kamailio and kamailio-websocket-modules.`);
  const dir = resolve(runDir);
  mkdirSync(dir, { recursive: true });
  const configPath = join(dir, 'kamailio.cfg');
  const pidFile = join(dir, 'kamailio.pid');
  await endStaleInstance(pidFile, configPath);
  writeFileSync(configPath, renderKamailioConfig(config));
  // Its own process group: kamailio forks workers that hold the connections, and a stop must end them all.
  const child: ChildProcess = spawn(KAMAILIO_BIN, ['-DD', '-E', '-f', configPath, '-P', pidFile, '-w', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const exited = once(child, 'exit');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`kamailio exited at start:\n${output}`);
    if (await portOpen(config.listenHost, config.wsPort)) break;
    if (Date.now() > deadline) {
      signalGroup('SIGKILL');
      throw new Error(`kamailio did not listen on ${config.listenHost}:${config.wsPort} within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  const host = config.listenHost.includes(':') ? `[${config.listenHost}]` : config.listenHost;
  return {
    wsUrl: `ws://${host}:${config.wsPort}`,
    pid: child.pid ?? -1,
    exited: exited.then(() => undefined),
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return signalGroup('SIGKILL');
      signalGroup(signal);
      const timer = setTimeout(() => signalGroup('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      // Workers that outlive the main process would keep the port and the crews' connections.
      signalGroup('SIGKILL');
    },
  };
}

/**
 * A host killed outright (SIGKILL, a crash) leaves its kamailio running: kamailio then refuses to start over its pid
 * file. The instance named there is ended if it runs this folder's configuration (checked on /proc, so an unrelated
 * process that got the same pid is left alone; without /proc nothing is touched).
 */
async function endStaleInstance(pidFile: string, configPath: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const running = () => {
    try {
      return Number.isInteger(pid) && pid > 1 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(configPath);
    } catch {
      return false;
    }
  };
  if (running()) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Not a group leader (started by hand): end the process itself.
      process.kill(pid, 'SIGKILL');
    }
    for (let waited = 0; running() && waited < 3000; waited += 50) await new Promise((done) => setTimeout(done, 50));
  }
  rmSync(pidFile, { force: true });
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
