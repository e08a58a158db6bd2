import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Everything the process printed so far, stdout and stderr together. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts one of the built entry points (out/…) and waits for the line that says it is ready, as an operator's
 * script would. Fails with the process output when it exits or times out first.
 */
export async function startProcess(
  bundle: 'out/main/web-host.mjs' | 'out/backend/backend.mjs',
  args: string[],
  readyLine: RegExp,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RunningProcess & { match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [join(repoRoot, bundle), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = once(child, 'exit');
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
  return {
    child,
    match,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = await exited;
      return code as number | null;
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
