import { randomUUID } from 'node:crypto';
import { SnapshotSchema, type Snapshot, type SnapshotSave } from '../../../shared/media/snapshots.js';
import type { Logger } from '../../../node/logger.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';

interface SnapshotRow {
  id: string;
  camera_id: string;
  camera_code: string;
  camera_name: string;
  incident_id: string | null;
  captured_at: string;
  saved_at: string;
  operator: string;
  origin: string;
  width: number;
  height: number;
  bytes: number;
}

const columns = 'id, camera_id, camera_code, camera_name, incident_id, captured_at, saved_at, operator, origin, width, height, length(jpeg) AS bytes';

/** JPEG files start with SOI and a marker: FF D8 FF. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** The console's camera stills: each with its camera, time, operator and the incident it documents. */
export class SnapshotRepository {
  private readonly insert;
  private readonly selectForIncident;
  private readonly selectRecent;
  private readonly selectOne;
  private readonly selectJpeg;
  private readonly selectSizesOldestFirst;
  private readonly deleteOne;

  constructor(
    db: SqliteDatabase,
    private readonly origin: string,
    private readonly logger: Logger,
  ) {
    this.insert = db.prepare<[SnapshotRow & { jpeg: Buffer }]>(
      `INSERT INTO snapshots (id, camera_id, camera_code, camera_name, incident_id, captured_at, saved_at, operator, origin, width, height, jpeg)
       VALUES (@id, @camera_id, @camera_code, @camera_name, @incident_id, @captured_at, @saved_at, @operator, @origin, @width, @height, @jpeg)`,
    );
    this.selectForIncident = db.prepare<[string, number], SnapshotRow>(
      `SELECT ${columns} FROM snapshots WHERE incident_id = ? ORDER BY captured_at DESC, id LIMIT ?`,
    );
    this.selectRecent = db.prepare<[number], SnapshotRow>(`SELECT ${columns} FROM snapshots ORDER BY captured_at DESC, id LIMIT ?`);
    this.selectOne = db.prepare<[string], SnapshotRow>(`SELECT ${columns} FROM snapshots WHERE id = ?`);
    this.selectJpeg = db.prepare<[string], { jpeg: Buffer }>('SELECT jpeg FROM snapshots WHERE id = ?');
    this.selectSizesOldestFirst = db.prepare<[], { id: string; incident_id: string | null; bytes: number }>(
      'SELECT id, incident_id, length(jpeg) AS bytes FROM snapshots ORDER BY saved_at, id',
    );
    this.deleteOne = db.prepare<[string]>('DELETE FROM snapshots WHERE id = ?');
  }

  /**
   * Deletes the oldest stills until all of them take at most `quotaBytes`; never `keepId` (the one just saved) nor one
   * linked to an open incident (`openIncidents` null: which are open is not known yet, so none linked to any incident).
   * Returns how many went. A quota that only protected stills exceed is left exceeded (and logged).
   */
  enforceQuota(quotaBytes: number, openIncidents: ReadonlySet<string> | null, keepId: string | null = null): number {
    const rows = this.selectSizesOldestFirst.all();
    let total = rows.reduce((sum, row) => sum + row.bytes, 0);
    let removed = 0;
    for (const row of rows) {
      if (total <= quotaBytes) break;
      const linkedToOpen = row.incident_id !== null && (openIncidents === null || openIncidents.has(row.incident_id));
      if (row.id === keepId || linkedToOpen) continue;
      this.deleteOne.run(row.id);
      total -= row.bytes;
      removed++;
    }
    if (removed > 0) this.logger.info('oldest stills removed to keep within the quota', { removed, quotaBytes, totalBytes: total });
    if (total > quotaBytes) this.logger.warn('the stills of open incidents alone exceed the quota', { quotaBytes, totalBytes: total });
    return removed;
  }

  /**
   * Stores a still of `camera` (its code and name as the catalogue has them now); refuses anything that is not a JPEG
   * (the bytes come from an untrusted window). Times are stored in UTC, so they sort as text.
   */
  save(still: SnapshotSave, camera: { code: string; name: string }, operator: string, at: Date): Snapshot {
    const jpeg = Buffer.from(still.jpegBase64, 'base64');
    if (!isJpeg(jpeg)) throw new Error('The snapshot is not a JPEG image.');
    const id = randomUUID();
    this.insert.run({
      id,
      camera_id: still.cameraId,
      camera_code: camera.code,
      camera_name: camera.name,
      incident_id: still.incidentId,
      captured_at: new Date(still.capturedAt).toISOString(),
      saved_at: at.toISOString(),
      operator,
      origin: this.origin,
      width: still.width,
      height: still.height,
      bytes: jpeg.length,
      jpeg,
    });
    const saved = this.get(id);
    if (saved === null) throw new Error(`Snapshot ${id} was not stored.`);
    this.logger.info('snapshot saved', { id, cameraId: still.cameraId, incidentId: still.incidentId, bytes: jpeg.length });
    return saved;
  }

  /** An incident's stills, newest first; null: the newest of all. */
  list(incidentId: string | null, limit: number): Snapshot[] {
    const rows = incidentId === null ? this.selectRecent.all(limit) : this.selectForIncident.all(incidentId, limit);
    return rows.map(toSnapshot);
  }

  get(id: string): Snapshot | null {
    const row = this.selectOne.get(id);
    return row ? toSnapshot(row) : null;
  }

  jpeg(id: string): Buffer | null {
    return this.selectJpeg.get(id)?.jpeg ?? null;
  }
}

function toSnapshot(row: SnapshotRow): Snapshot {
  return SnapshotSchema.parse({
    id: row.id,
    cameraId: row.camera_id,
    cameraCode: row.camera_code,
    cameraName: row.camera_name,
    incidentId: row.incident_id,
    capturedAt: row.captured_at,
    savedAt: row.saved_at,
    operator: row.operator,
    origin: row.origin,
    width: row.width,
    height: row.height,
    bytes: row.bytes,
  });
}
