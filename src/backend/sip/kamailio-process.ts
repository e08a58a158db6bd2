import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from '../../node/private-files.js';
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

/** The command line of the kamailio that runs in `dir`: the start uses it, and the stale clean-up matches it exactly. */
export function kamailioCommandLine(dir: string): string[] {
  return [KAMAILIO_BIN, '-DD', '-E', '-f', join(dir, 'kamailio.cfg'), '-P', join(dir, 'kamailio.pid'), '-w', dir];
}

/**
 * Writes the config into `runDir` (0700; the config holds the SIP secret, so 0600, and the secret is never on the
 * command line) and starts kamailio in the foreground of this process tree (`-DD -E`), resolving once its WebSocket
 * port accepts connections. The pid file and working folder must be absolute: with a relative `-P` and `-w` kamailio
 * exits without a word.
 */
export async function startKamailio(config: KamailioConfig, runDir: string, timeoutMs = 10_000): Promise<RunningKamailio> {
  if (!kamailioInstalled()) throw new Error(`kamailio is not at ${KAMAILIO_BIN}: install Debian's kamailio and kamailio-websocket-modules.`);
  const dir = resolve(runDir);
  ensurePrivateDir(dir);
  const [bin, ...args] = kamailioCommandLine(dir) as [string, ...string[]];
  await endStaleInstance(dir);
  writePrivateFile(join(dir, 'kamailio.cfg'), renderKamailioConfig(config));
  // Its own process group: kamailio forks workers that hold the connections, and a stop must end them all.
  const child: ChildProcess = spawn(bin, args, {
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
      // A SIGTERM that reaches kamailio while it starts up is only seen at the next signal (see endStaleInstance).
      const repeat = setInterval(() => signalGroup(signal), 250);
      const timer = setTimeout(() => signalGroup('SIGKILL'), 3000);
      await exited;
      clearInterval(repeat);
      clearTimeout(timer);
      // Workers that outlive the main process would keep the port and the crews' connections.
      signalGroup('SIGKILL');
    },
  };
}

/**
 * A host killed outright (SIGKILL, a crash) leaves its kamailio running: kamailio then refuses to start over its pid
 * file. The process named there is ended only if its command line (on /proc, split on NUL) is exactly this folder's
 * kamailio invocation, so an unrelated process that got the same pid or merely names this folder is left alone
 * (without /proc nothing is touched). That pid gets SIGTERM, so kamailio ends its own workers, and SIGKILL after 3 s;
 * then any worker of its process group still alive is killed, so the port is free when the new one starts.
 */
async function endStaleInstance(dir: string): Promise<void> {
  const pidFile = join(dir, 'kamailio.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const expected = kamailioCommandLine(dir);
  const running = () => Number.isInteger(pid) && pid > 1 && sameCommandLine(pid, expected);
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Gone meanwhile.
    }
  };
  // kamailio's main loop waits in pause() after handling a signal: one that arrives while it starts up is only seen at
  // the next, so SIGTERM is repeated.
  const wasRunning = running();
  for (let waited = 0; running() && waited < 6000; waited += 50) {
    if (waited % 250 === 0) signal(waited < 3000 ? 'SIGTERM' : 'SIGKILL');
    await new Promise((done) => setTimeout(done, 50));
  }
  // Its workers outlive the main process for a moment and keep the port (kamailio runs in its own process group, whose
  // id is the main pid, and that id is not reused while a member lives): they are ended and waited for.
  for (let waited = 0; wasRunning && liveGroupMembers(pid) > 0 && waited < 3000; waited += 50) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      break;
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  rmSync(pidFile, { force: true });
}

/** Processes of a process group that still run (zombies hold no sockets; they wait for whoever reaps them). */
function liveGroupMembers(groupId: number): number {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so fields are read after the last ')'.
    const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(group) === groupId && state !== 'Z') count += 1;
  }
  return count;
}

function sameCommandLine(pid: number, expected: readonly string[]): boolean {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return false;
  }
  const args = raw.split('\0');
  if (args.at(-1) === '') args.pop();
  return args.length === expected.length && args.every((arg, index) => arg === expected[index]);
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
