import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { openDatabase } from '../../../node/sqlite.js';
import { SnapshotSaveSchema, type SnapshotSave } from '../../../shared/media/snapshots.js';
import { consoleMigrations } from '../db/console-migrations.js';
import { SnapshotRepository } from './snapshot-repository.js';

const CAMERA = { code: '50010300001320000001', name: '解放碑步行街' };
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);

function still(patch: Partial<SnapshotSave> = {}): SnapshotSave {
  return SnapshotSaveSchema.parse({
    cameraId: 'CM000001',
    incidentId: 'INC-20261127-0001',
    capturedAt: '2026-11-27T08:00:00.000Z',
    width: 960,
    height: 540,
    jpegBase64: JPEG.toString('base64'),
    ...patch,
  });
}

describe('SnapshotRepository', () => {
  const logger = recordingLogger();
  const db = openDatabase({ file: ':memory:', migrations: consoleMigrations, logger });
  const snapshots = new SnapshotRepository(db, 'console-1', logger);

  it('stores a still with its camera, incident, operator and origin, and gives its bytes back', () => {
    const saved = snapshots.save(still(), CAMERA, '值班员', new Date('2026-11-27T08:00:01.000Z'));
    expect(saved).toMatchObject({ cameraCode: '50010300001320000001', incidentId: 'INC-20261127-0001', operator: '值班员', origin: 'console-1', bytes: JPEG.length });
    expect(saved.savedAt).toBe('2026-11-27T08:00:01.000Z');
    expect(snapshots.jpeg(saved.id)).toEqual(JPEG);
    expect(snapshots.jpeg('nope')).toBeNull();
  });

  it('lists an incident\'s stills newest first, and the newest of all', () => {
    // Given in Beijing time, stored in UTC: it sorts among the others by when it was.
    snapshots.save(still({ capturedAt: '2026-11-27T16:05:00.000+08:00' }), CAMERA, '值班员', new Date());
    snapshots.save(still({ incidentId: null, capturedAt: '2026-11-27T08:10:00.000Z' }), CAMERA, '值班员', new Date());
    expect(snapshots.list('INC-20261127-0001', 10).map((snapshot) => snapshot.capturedAt)).toEqual(['2026-11-27T08:05:00.000Z', '2026-11-27T08:00:00.000Z']);
    expect(snapshots.list('INC-20261127-0001', 1)).toHaveLength(1);
    expect(snapshots.list(null, 10)[0]?.incidentId).toBeNull();
    expect(snapshots.list('INC-OTHER', 10)).toEqual([]);
  });

  it('refuses bytes that are not a JPEG, storing nothing', () => {
    const before = snapshots.list(null, 100).length;
    expect(() => snapshots.save(still({ jpegBase64: Buffer.from('<svg/>').toString('base64') }), CAMERA, '值班员', new Date())).toThrow('The snapshot is not a JPEG image.');
    expect(snapshots.list(null, 100)).toHaveLength(before);
    expect(SnapshotSaveSchema.safeParse({ ...still(), jpegBase64: 'not base64!' }).success).toBe(false);
  });

  it('keeps within its quota by removing the oldest stills first, never one of an open incident nor the one just saved', () => {
    const quotaLogger = recordingLogger();
    const quotaDb = openDatabase({ file: ':memory:', migrations: consoleMigrations, logger: quotaLogger });
    const repository = new SnapshotRepository(quotaDb, 'console-1', quotaLogger);
    const big = (fill: number) => Buffer.concat([JPEG.subarray(0, 4), Buffer.alloc(1000, fill)]).toString('base64');
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 8, minute));
    const save = (minute: number, incidentId: string | null) => repository.save(still({ incidentId, jpegBase64: big(minute) }), CAMERA, '值班员', at(minute)).id;
    const oldOpen = save(0, 'INC-OPEN');
    const oldClosed = save(1, 'INC-CLOSED');
    const oldLoose = save(2, null);
    const newer = save(3, null);
    const newest = save(4, 'INC-CLOSED');
    const ids = () => repository.list(null, 100).map((snapshot) => snapshot.id);
    // Open incidents not known yet: only the still linked to none may go.
    expect(repository.enforceQuota(2 * 1004, null, newest)).toBe(2);
    expect(ids()).toEqual(expect.arrayContaining([oldOpen, oldClosed, newest]));
    expect(ids()).not.toContain(oldLoose);
    expect(ids()).not.toContain(newer);
    expect(quotaLogger.records).toContainEqual(expect.objectContaining({ level: 'warn', message: 'the stills of open incidents alone exceed the quota' }));
    // Known: the closed incident's older still goes; the open incident's stays, and so does the one just saved.
    expect(repository.enforceQuota(2 * 1004, new Set(['INC-OPEN']), newest)).toBe(1);
    expect(ids().sort()).toEqual([oldOpen, newest].sort());
    expect(repository.enforceQuota(2 * 1004, new Set(['INC-OPEN']), newest)).toBe(0);
  });
});
