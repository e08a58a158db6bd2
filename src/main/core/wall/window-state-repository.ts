import { WindowStateDataSchema, type SavedWindowState, type WindowKey, type WindowState } from '../../../shared/wall/window-state.js';
import type { Logger } from '../../../node/logger.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';

interface WindowStateRow {
  version: number;
  data_json: string;
  saved_at: string;
}

/** Each window's own state, one row per role and screen; a save replaces the row in one statement, so nothing is half-written. */
export class WindowStateRepository {
  private readonly selectOne;
  private readonly upsert;

  constructor(
    db: SqliteDatabase,
    private readonly logger: Logger,
  ) {
    this.selectOne = db.prepare<[string, string], WindowStateRow>('SELECT version, data_json, saved_at FROM window_states WHERE role = ? AND screen = ?');
    this.upsert = db.prepare<[string, string, number, string, string]>(
      `INSERT INTO window_states (role, screen, version, data_json, saved_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (role, screen) DO UPDATE SET version = excluded.version, data_json = excluded.data_json, saved_at = excluded.saved_at`,
    );
  }

  load(key: WindowKey): SavedWindowState | null {
    const row = this.selectOne.get(key.role, key.screen);
    if (!row) return null;
    let data: unknown;
    try {
      data = JSON.parse(row.data_json);
    } catch {
      data = undefined;
    }
    const parsed = WindowStateDataSchema.safeParse(data);
    if (!parsed.success) {
      // Left in place for whoever looks into it; the window starts from its defaults.
      this.logger.warn('stored window state unreadable', { ...key });
      return null;
    }
    return { version: row.version, data: parsed.data, savedAt: row.saved_at };
  }

  /** `state` has passed the contract's checks (plain JSON, version, size cap). */
  save(key: WindowKey, state: WindowState, at: string): SavedWindowState {
    this.upsert.run(key.role, key.screen, state.version, JSON.stringify(state.data), at);
    return { ...state, savedAt: at };
  }
}
