import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminPasswordFile } from './identity.js';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Everything the process printed so far, stdout and stderr together. */
  output(): string;
  /** The error lines it printed that the test did not declare expected. */
  unexpectedErrors(): string[];
  /** Stops it, then throws with its unexpected error lines if it printed any. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartProcessOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  /**
   * Error lines the test provokes on purpose. Any other error the process logs (its logger echoes `[error] scope:
   * message` to stderr, the last-resort handler included) fails the test at stop(), so no fault hides behind a
   * process that keeps running.
   */
  expectedErrors?: RegExp[];
  /** false: a web host makes its first administrator as on a new install (a random password, printed once). */
  testAdministrator?: false;
}

const ERROR_LINE = /^\[error\] .*$/gm;

/** Processes still running when the test worker exits (a failed stop() or set-up): none may outlive the run. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts one of the built entry points (out/…) and waits for the line that says it is ready, as an operator's
 * script would. Fails with the process output when it exits or times out first. A web host is given the test
 * administrator's password (test/helpers/identity.ts) unless the test gives one itself, so tests sign in as a user would.
 */
export async function startProcess(
  bundle: 'out/main/web-host.mjs' | 'out/backend/backend.mjs',
  args: string[],
  readyLine: RegExp,
  options: StartProcessOptions = {},
): Promise<RunningProcess & { match: RegExpMatchArray }> {
  const withAdmin = bundle === 'out/main/web-host.mjs' && !args.includes('--admin-password-file') && options.testAdministrator !== false ? ['--admin-password-file', adminPasswordFile(mkdtempSync(join(tmpdir(), 'zhili-admin-')))] : [];
  const child = spawn(process.execPath, [join(repoRoot, bundle), ...args, ...withAdmin], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const exited = once(child, 'exit');
  void exited.then(() => running.delete(child));
  // Its last lines may arrive after 'exit'; 'close' waits for its output, unless a child of its own holds it open.
  const outputClosed = once(child, 'close');
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${bundle} not ready after ${options.timeoutMs ?? 30_000} ms:\n${output}`)), options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = output.match(readyLine);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`${bundle} exited with ${String(code)} before it was ready:\n${output}`));
    });
  });
  const unexpectedErrors = () => (output.match(ERROR_LINE) ?? []).filter((line) => !(options.expectedErrors ?? []).some((expected) => expected.test(line)));
  return {
    child,
    match,
    output: () => output,
    unexpectedErrors,
    async stop(signal = 'SIGTERM') {
      let code = child.exitCode;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        [code] = (await exited) as [number | null];
      }
      await Promise.race([outputClosed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      const unexpected = unexpectedErrors();
      if (unexpected.length > 0) {
        throw new Error(`${bundle} logged ${unexpected.length} unexpected error line(s) (declare deliberate ones in expectedErrors):\n${unexpected.join('\n')}`);
      }
      return code;
    },
  };
}

/** Runs an entry point that is expected to fail at start, and returns its exit code and output. */
export async function runToExit(bundle: string, args: string[], timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(repoRoot, bundle), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

/** Whether a process of this pid exists (signal 0 tests without touching it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
