/** What the benchmarks read of this machine: CPU use, the processes they started, and what they run. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const PAGE_BYTES = 4096;

/** Busy and total CPU jiffies of the whole machine. */
export function cpuTimes(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** The machine's CPU use while this bench sits idle for a moment: other work running beside it (tests, builds). */
export async function backgroundLoad(): Promise<number> {
  const a = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, 400));
  const b = cpuTimes();
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

/** A process under this one: its name, resident memory and CPU time so far (user + system, in clock ticks). */
export interface ChildProcessInfo {
  pid: number;
  name: string;
  rssBytes: number;
  cpuTicks: number;
}

/** Every process under this one (the browser we launched and its GPU and renderer processes, encoders, servers). */
export function descendants(): ChildProcessInfo[] {
  const children = new Map<number, number[]>();
  const info = new Map<number, ChildProcessInfo>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      const ppid = Number(after[1]);
      info.set(pid, { pid, name, rssBytes: Number(after[21]) * PAGE_BYTES, cpuTicks: Number(after[11]) + Number(after[12]) });
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // Gone between listing and reading.
    }
  }
  const found: ChildProcessInfo[] = [];
  const stack = [...(children.get(process.pid) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    const process = info.get(pid);
    if (process) found.push(process);
    stack.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Resident memory of every process under this one. */
export function descendantsRss(): number {
  return descendants().reduce((sum, process) => sum + process.rssBytes, 0);
}

export function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export function dependencyVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
