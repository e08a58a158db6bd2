import { SceneCauseSchema, SceneRunSchema, SceneSchema, type ActiveScene, type Scene, type SceneEntry } from '../../../shared/wall/scenes.js';
import type { Logger } from '../../../node/logger.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';

interface SceneRow {
  scene_id: string;
  builtin: 0 | 1;
  body_json: string;
  updated_at: string;
  updated_by: string;
}

interface ActiveSceneRow {
  scene_id: string;
  body_json: string;
  applied_by: string;
  applied_at: string;
  cause: string;
  run_json: string | null;
  revert_to: string | null;
}

/** The active scene as stored, with the scene an emergency returns to when its run ends. */
export interface StoredActiveScene {
  active: ActiveScene;
  revertTo: string | null;
}

/**
 * Scenes and the active scene in the console's database. Rows are parsed on the way out: a row that no longer fits the
 * scene schema (hand-edited, or written by a newer release) is left in place and skipped with a warning, never
 * deleted and never allowed to break the list.
 */
export class SceneRepository {
  private readonly selectAll;
  private readonly selectOne;
  private readonly upsert;
  private readonly insertBuiltin;
  private readonly selectActive;
  private readonly writeActive;

  constructor(
    db: SqliteDatabase,
    private readonly logger: Logger,
  ) {
    // Built-ins first, in the order they were seeded, then the operators' scenes in the order they were made.
    this.selectAll = db.prepare<[], SceneRow>('SELECT scene_id, builtin, body_json, updated_at, updated_by FROM scenes ORDER BY builtin DESC, rowid');
    this.selectOne = db.prepare<[string], SceneRow>('SELECT scene_id, builtin, body_json, updated_at, updated_by FROM scenes WHERE scene_id = ?');
    this.upsert = db.prepare<[string, string, string, string]>(
      `INSERT INTO scenes (scene_id, builtin, body_json, updated_at, updated_by) VALUES (?, 0, ?, ?, ?)
       ON CONFLICT (scene_id) DO UPDATE SET body_json = excluded.body_json, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    this.insertBuiltin = db.prepare<[string, string, string]>(
      "INSERT OR IGNORE INTO scenes (scene_id, builtin, body_json, updated_at, updated_by) VALUES (?, 1, ?, ?, 'system')",
    );
    this.selectActive = db.prepare<[], ActiveSceneRow>('SELECT scene_id, body_json, applied_by, applied_at, cause, run_json, revert_to FROM active_scene WHERE singleton = 1');
    this.writeActive = db.prepare<[string, string, string, string, string, string | null, string | null]>(
      `INSERT OR REPLACE INTO active_scene (singleton, scene_id, body_json, applied_by, applied_at, cause, run_json, revert_to)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Adds the built-in scenes this database lacks (a release may add one); scenes already stored are left as edited. */
  seedBuiltins(scenes: readonly Scene[], at: string): number {
    let added = 0;
    for (const scene of scenes) added += this.insertBuiltin.run(scene.id, JSON.stringify(scene), at).changes;
    return added;
  }

  list(): SceneEntry[] {
    return this.selectAll.all().flatMap((row) => {
      const entry = this.entryOf(row);
      return entry ? [entry] : [];
    });
  }

  get(sceneId: string): SceneEntry | null {
    const row = this.selectOne.get(sceneId);
    return row ? this.entryOf(row) : null;
  }

  /** Stores a scene under its id; a built-in scene edited here stays built-in. */
  save(scene: Scene, by: string, at: string): SceneEntry {
    this.upsert.run(scene.id, JSON.stringify(scene), at, by);
    return this.get(scene.id) as SceneEntry;
  }

  active(): StoredActiveScene | null {
    const row = this.selectActive.get();
    if (!row) return null;
    const scene = SceneSchema.safeParse(parseJson(row.body_json));
    const run = row.run_json === null ? { success: true as const, data: null } : SceneRunSchema.safeParse(parseJson(row.run_json));
    const cause = SceneCauseSchema.safeParse(row.cause);
    if (!scene.success || !run.success || !cause.success) {
      this.logger.warn('stored active scene unreadable; the wall starts on the default scene', { sceneId: row.scene_id });
      return null;
    }
    return { active: { scene: scene.data, appliedBy: row.applied_by, appliedAt: row.applied_at, cause: cause.data, run: run.data }, revertTo: row.revert_to };
  }

  setActive({ active, revertTo }: StoredActiveScene): void {
    this.writeActive.run(active.scene.id, JSON.stringify(active.scene), active.appliedBy, active.appliedAt, active.cause, active.run ? JSON.stringify(active.run) : null, revertTo);
  }

  private entryOf(row: SceneRow): SceneEntry | null {
    const scene = SceneSchema.safeParse(parseJson(row.body_json));
    if (!scene.success || scene.data.id !== row.scene_id) {
      this.logger.warn('stored scene does not fit the scene schema; skipped', { sceneId: row.scene_id });
      return null;
    }
    return { scene: scene.data, builtin: row.builtin === 1, updatedAt: row.updated_at, updatedBy: row.updated_by };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
