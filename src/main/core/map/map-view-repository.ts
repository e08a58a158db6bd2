import { SAVED_VIEW_FORMAT, upgradeSavedView, type SavedView, type SavedViewBody } from '../../../shared/map/saved-views.js';
import type { Logger } from '../../../node/logger.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';

interface MapViewRow {
  name: string;
  format_version: number;
  body_json: string;
  saved_at: string;
  saved_by: string;
}

/** Named map views, shared by every map window of this console; each row keeps the format it was written in. */
export class MapViewRepository {
  private readonly selectAll;
  private readonly upsert;
  private readonly remove;

  constructor(
    db: SqliteDatabase,
    private readonly logger: Logger,
  ) {
    this.selectAll = db.prepare<[], MapViewRow>('SELECT name, format_version, body_json, saved_at, saved_by FROM map_views ORDER BY name');
    this.upsert = db.prepare<[string, number, string, string, string]>(
      `INSERT INTO map_views (name, format_version, body_json, saved_at, saved_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET format_version = excluded.format_version, body_json = excluded.body_json,
         saved_at = excluded.saved_at, saved_by = excluded.saved_by`,
    );
    this.remove = db.prepare<[string]>('DELETE FROM map_views WHERE name = ?');
  }

  /** Every readable view, upgraded to the current format; an unreadable row is logged and left in place. */
  list(): SavedView[] {
    const views: SavedView[] = [];
    for (const row of this.selectAll.all()) {
      let data: unknown;
      try {
        data = JSON.parse(row.body_json);
      } catch {
        data = undefined;
      }
      const body = upgradeSavedView(row.format_version, data);
      if (!body) {
        this.logger.warn('stored map view unreadable', { name: row.name, format: row.format_version });
        continue;
      }
      views.push({ name: row.name, body, savedAt: row.saved_at, savedBy: row.saved_by, storedFormat: row.format_version });
    }
    return views;
  }

  /** Saves (or replaces) a view under its name, in the current format. */
  save(name: string, body: SavedViewBody, by: string, at: Date): void {
    this.upsert.run(name, SAVED_VIEW_FORMAT, JSON.stringify(body), at.toISOString(), by);
  }

  delete(name: string): boolean {
    return this.remove.run(name).changes > 0;
  }
}
