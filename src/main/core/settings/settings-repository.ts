import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SettingsSchema, defaultSettings, type Settings, type SettingsPatch } from '../../../shared/domain/settings.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';

interface SettingRow {
  key: string;
  value_json: string;
}

/**
 * Settings are stored one key per row, so a future key adds a row rather than a migration, and an unreadable value
 * falls back to its default instead of discarding the others.
 */
export class SettingsRepository {
  private readonly selectAll;
  private readonly upsert;

  constructor(private readonly db: SqliteDatabase) {
    this.selectAll = db.prepare<[], SettingRow>('SELECT key, value_json FROM settings');
    this.upsert = db.prepare<[string, string, string]>(
      `INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
    );
  }

  read(): Settings {
    const stored: Record<string, unknown> = {};
    for (const row of this.selectAll.all()) {
      try {
        stored[row.key] = JSON.parse(row.value_json);
      } catch {
        // A hand-edited or truncated value: keep the default for that key only.
      }
    }
    const settings: Record<string, unknown> = { ...defaultSettings };
    for (const key of Object.keys(SettingsSchema.shape) as (keyof Settings)[]) {
      const field = SettingsSchema.shape[key].safeParse(stored[key]);
      if (field.success) settings[key] = field.data;
    }
    return SettingsSchema.parse(settings);
  }

  update(patch: SettingsPatch, now: Date): Settings {
    const write = this.db.transaction((entries: [string, unknown][]) => {
      for (const [key, value] of entries) this.upsert.run(key, JSON.stringify(value), now.toISOString());
    });
    write(Object.entries(patch).filter(([, value]) => value !== undefined));
    return this.read();
  }
}

const ConsoleIdSchema = z.string().uuid();

/** The id this console stamps on the records it originates; created once and kept for the life of the data folder. */
export function consoleIdentity(db: SqliteDatabase, now: Date): string {
  const row = db.prepare<[], { console_id: string }>('SELECT console_id FROM console_identity WHERE singleton = 1').get();
  if (row && ConsoleIdSchema.safeParse(row.console_id).success) return row.console_id;
  const id = randomUUID();
  db.prepare('INSERT OR REPLACE INTO console_identity (singleton, console_id, created_at) VALUES (1, ?, ?)').run(
    id,
    now.toISOString(),
  );
  return id;
}
