import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_PROTOCOL_VERSION, type BackendReply } from '../../src/shared/backend/protocol.js';
import type { Incident } from '../../src/shared/domain/feed.js';
import { enrolConsole } from '../helpers/backend-consoles.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';

/** A small tmpfs for the backend's data folder: a real file system that really fills up (needs root, as CI runs). */
function mountSmallDisk(dir: string): string | null {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const work = mkdtempSync(join(tmpdir(), 'zhili-disk-full-e2e-'));
const disk = join(work, 'disk');
const unmountable = mountSmallDisk(disk);
if (unmountable !== null) console.log(`SKIPPED: the full-disk test needs to mount a tmpfs (as root): ${unmountable}`);

type Running = Awaited<ReturnType<typeof startProcess>>;

/**
 * The backend's feed timer writes incidents each tick: on a full disk the write fails, is logged and retried, the
 * backend keeps serving, and once space is back everything, an incident registered meanwhile included, is on disk.
 */
describe.skipIf(unmountable !== null)('the standalone backend on a full disk', () => {
  let backend: Running;
  let socket: Socket;
  const filler = join(disk, 'filler');

  const start = async () => {
    backend = await startProcess(
      'out/backend/backend.mjs',
      ['--port', '0', '--data-dir', join(disk, 'data'), '--city-dir', testCityDir(), '--sip-server', 'none', '--demo-ptz-cameras', '0'],
      /Zhili backend: (http:\/\/127\.0\.0\.1:\d+)/,
      // The full disk is made on purpose: the failed writes are logged at error level.
      { expectedErrors: [/incidents cannot be written to the database/] },
    );
    socket = io(backend.match[1] as string, { transports: ['websocket'], auth: { protocol: BACKEND_PROTOCOL_VERSION, consoleId: 'disk-test', appVersion: 'test', credential } });
  };
  const ask = <T>(event: string, ...args: unknown[]) =>
    new Promise<T>((resolve, reject) =>
      socket.timeout(5000).emit(event, ...args, (error: Error | null, reply: BackendReply<T>) => (error ? reject(error) : reply.ok ? resolve(reply.value) : reject(new Error(reply.error)))),
    );
  const register = (title: string) =>
    ask<Incident>('incidents:register', { type: 'road-collapse', title, severity: 'major', position: [106.57, 29.55], districtAdcode: '500103', riskGrade: null });

  let credential: string;

  beforeAll(async () => {
    credential = readFileSync(await enrolConsole(join(disk, 'data'), 'disk-test'), 'utf8').trim();
    await start();
  });

  afterAll(async () => {
    socket?.close();
    await backend?.stop();
    try {
      execFileSync('umount', [disk]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('keeps running and serving while its incident writes fail, and writes them once space is back', async () => {
    await register('满盘之前登记的事件');
    // Fills the disk to the last byte (64 KB at a time, then smaller, bounded by the disk's 8 MB).
    for (let chunk = 65_536; chunk >= 1; ) {
      try {
        appendFileSync(filler, Buffer.alloc(chunk));
      } catch {
        chunk = Math.floor(chunk / 2);
      }
    }
    const duringFull = await register('磁盘满时登记的事件');
    await expect.poll(() => backend.output(), { timeout: 20_000, interval: 200 }).toMatch(/incidents cannot be written to the database; kept in memory and retried/);
    // Ticks go on failing; the backend still answers and lists the incident it could not write.
    const listed = await ask<Incident[]>('incidents:list', null);
    expect(listed.map((incident) => incident.id)).toContain(duringFull.id);
    expect(backend.child.exitCode).toBeNull();
    expect(backend.output().match(/incidents cannot be written/g)).toHaveLength(1);
    // Where a monitor looks: the backend's health says which part is out and why, until it is back.
    const health = async () => (await (await fetch(`${backend.match[1] as string}/healthz`)).json()) as { status: string; outages: { part: string }[] };
    expect(await health()).toMatchObject({ status: 'degraded', outages: [{ part: 'incident-store' }] });

    rmSync(filler);
    // The all-clear is an info line: in the log file (on the disk that has room again), not echoed.
    const logged = () => readdirSync(join(disk, 'data', 'logs')).map((file) => readFileSync(join(disk, 'data', 'logs', file), 'utf8')).join('');
    await expect.poll(logged, { timeout: 20_000, interval: 200 }).toMatch(/"incidents are written to the database again"/);
    expect(await health()).toMatchObject({ status: 'ok', outages: [] });
    socket.close();
    expect(await backend.stop()).toBe(0);
    await start();
    const restored = await ask<Incident[]>('incidents:list', null);
    expect(restored.find((incident) => incident.id === duringFull.id)).toMatchObject({ title: '磁盘满时登记的事件', state: 'registered' });
  }, 90_000);
});
