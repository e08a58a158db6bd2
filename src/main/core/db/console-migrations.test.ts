import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { migrate, schemaVersion } from '../../../node/sqlite.js';
import { consoleMigrations } from './console-migrations.js';
import { CallLogRepository } from '../calls/call-log-repository.js';

function columns(db: Database.Database, table: string): string[] {
  return db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((row) => row.name);
}

describe('console migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(consoleMigrations.map((migration) => migration.version)).toEqual(consoleMigrations.map((_, index) => index + 1));
  });

  it('1: creates the console identity and settings tables on an empty database', () => {
    const db = new Database(':memory:');
    migrate(db, consoleMigrations, recordingLogger(), 1);
    expect(schemaVersion(db)).toBe(1);
    expect(columns(db, 'console_identity')).toEqual(['singleton', 'console_id', 'created_at']);
    expect(columns(db, 'settings')).toEqual(['key', 'value_json', 'updated_at']);
    // Only one identity row can exist.
    db.prepare("INSERT INTO console_identity VALUES (1, 'a', 'now')").run();
    expect(() => db.prepare("INSERT INTO console_identity VALUES (2, 'b', 'now')").run()).toThrow(/CHECK/);
    db.close();
  });

  it('2: adds plan versions, runs and an event log that refuses updates and deletes', () => {
    const db = new Database(':memory:');
    migrate(db, consoleMigrations, recordingLogger(), 1);
    db.prepare("INSERT INTO settings VALUES ('language', '\"en\"', 'now')").run();
    migrate(db, consoleMigrations, recordingLogger(), 2);
    expect(schemaVersion(db)).toBe(2);
    // Data from version 1 survives the upgrade.
    expect(db.prepare('SELECT value_json FROM settings').get()).toEqual({ value_json: '"en"' });
    db.pragma('foreign_keys = ON');
    db.prepare("INSERT INTO plan_versions VALUES ('p', 1, '预案', 'Plan', 'p.yaml', 'x', '{}', 'c', 'now')").run();
    expect(() =>
      db.prepare("INSERT INTO runs VALUES ('r', 'p', 9, 'live', NULL, 'active', 'now', 'now', 'c')").run(),
    ).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO runs VALUES ('r', 'p', 1, 'drill', NULL, 'active', 'now', 'now', 'c')").run()).toThrow(/CHECK/);
    db.prepare("INSERT INTO runs VALUES ('r', 'p', 1, 'live', NULL, 'active', 'now', 'now', 'c')").run();
    db.prepare("INSERT INTO run_events VALUES ('r', 1, 'now', 'run-started', '{}', 'c')").run();
    expect(() => db.prepare("INSERT INTO run_events VALUES ('r', 1, 'now', 'again', '{}', 'c')").run()).toThrow(/UNIQUE|PRIMARY/);
    expect(() => db.prepare("UPDATE run_events SET type = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM run_events').run()).toThrow(/append-only/);
    db.close();
  });

  it('3: adds the outbox and fills it with everything written before, in order, as valid sync records', () => {
    const db = new Database(':memory:');
    migrate(db, consoleMigrations, recordingLogger(), 2);
    const plan = { id: 'p', version: 1 };
    db.prepare("INSERT INTO plan_versions VALUES ('p', 1, '预案', 'Plan', 'p.yaml', 'abc', ?, 'console-a', '2026-11-27T01:00:00Z')").run(JSON.stringify(plan));
    db.prepare("INSERT INTO runs VALUES ('r', 'p', 1, 'drill', 'DRILL-r', 'active', '2026-11-27T02:00:00Z', '2026-11-27T02:00:00Z', 'console-a')").run();
    db.prepare("INSERT INTO run_events VALUES ('r', 1, '2026-11-27T02:00:00Z', 'run-started', '{\"type\":\"run-started\"}', 'console-a')").run();
    migrate(db, consoleMigrations, recordingLogger(), 3);
    expect(schemaVersion(db)).toBe(3);
    const rows = db.prepare<[], { key: string; body_json: string; settled_at: string | null }>('SELECT key, body_json, settled_at FROM outbox ORDER BY seq').all();
    expect(rows.map((row) => row.key)).toEqual(['plan:p@1', 'run:r', 'run-event:r#1']);
    expect(rows.every((row) => row.settled_at === null)).toBe(true);
    expect(JSON.parse(rows[0]?.body_json ?? '')).toEqual({
      kind: 'plan-version',
      key: 'plan:p@1',
      origin: 'console-a',
      body: { plan, sha256: 'abc', sourceFile: 'p.yaml' },
    });
    expect(JSON.parse(rows[1]?.body_json ?? '')).toMatchObject({ kind: 'run', body: { runId: 'r', mode: 'drill', drillId: 'DRILL-r' } });
    expect(JSON.parse(rows[2]?.body_json ?? '')).toEqual({
      kind: 'run-event',
      key: 'run-event:r#1',
      origin: 'console-a',
      body: { runId: 'r', seq: 1, event: { type: 'run-started' } },
    });
    expect(db.prepare('SELECT pulled_through FROM sync_cursor').get()).toEqual({ pulled_through: 0 });
    db.close();
  });

  it('4: plan versions gain their source text; rows stored before keep working with none', () => {
    const db = new Database(':memory:');
    migrate(db, consoleMigrations, recordingLogger(), 3);
    db.prepare("INSERT INTO plan_versions VALUES ('p', 1, '预案', 'Plan', 'p.yaml', 'abc', '{}', 'c', 'now')").run();
    migrate(db, consoleMigrations, recordingLogger(), 4);
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT source_text FROM plan_versions').get()).toEqual({ source_text: null });
    db.prepare("INSERT INTO plan_versions VALUES ('p', 2, '预案', 'Plan', 'p.yaml', 'def', '{}', 'c', 'now', '# 原文')").run();
    expect(db.prepare('SELECT source_text FROM plan_versions WHERE version = 2').get()).toEqual({ source_text: '# 原文' });
    db.close();
  });

  it('5: adds scenes, the active scene and per-window state, with their checks; earlier data survives', () => {
    const db = new Database(':memory:');
    migrate(db, consoleMigrations, recordingLogger(), 4);
    db.prepare("INSERT INTO settings VALUES ('language', '\"en\"', 'now')").run();
    migrate(db, consoleMigrations, recordingLogger(), 5);
    expect(schemaVersion(db)).toBe(5);
    expect(db.prepare('SELECT value_json FROM settings').get()).toEqual({ value_json: '"en"' });
    expect(columns(db, 'scenes')).toEqual(['scene_id', 'builtin', 'body_json', 'updated_at', 'updated_by']);
    expect(columns(db, 'active_scene')).toEqual(['singleton', 'scene_id', 'body_json', 'applied_by', 'applied_at', 'cause', 'run_json', 'revert_to']);
    expect(columns(db, 'window_states')).toEqual(['role', 'screen', 'version', 'data_json', 'saved_at']);

    db.prepare("INSERT INTO scenes VALUES ('flood-season', 1, '{}', 'now', 'system')").run();
    expect(() => db.prepare("INSERT INTO scenes VALUES ('x', 2, '{}', 'now', 'system')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO scenes VALUES ('y', 0, '{not json', 'now', 'system')").run()).toThrow(/CHECK/);

    db.prepare("INSERT INTO active_scene VALUES (1, 'normal-duty', '{}', 'system', 'now', 'start-up', NULL, NULL)").run();
    expect(() => db.prepare("INSERT INTO active_scene VALUES (2, 'normal-duty', '{}', 'system', 'now', 'start-up', NULL, NULL)").run()).toThrow(/CHECK/);
    // A run without a scene to return to (or the reverse) could never revert.
    expect(() => db.prepare("UPDATE active_scene SET run_json = '{}' WHERE singleton = 1").run()).toThrow(/CHECK/);
    db.prepare("UPDATE active_scene SET run_json = '{}', revert_to = 'normal-duty' WHERE singleton = 1").run();

    db.prepare("INSERT INTO window_states VALUES ('video', 'default', 1, '{\"layoutSize\":4}', 'now')").run();
    expect(() => db.prepare("INSERT INTO window_states VALUES ('video', 'default', 1, '{}', 'now')").run()).toThrow(/UNIQUE|PRIMARY/);
    expect(() => db.prepare("INSERT INTO window_states VALUES ('video', 'w2', 0, '{}', 'now')").run()).toThrow(/CHECK/);
    const tooBig = JSON.stringify({ text: '视'.repeat(6000) });
    expect(() => db.prepare("INSERT INTO window_states VALUES ('map', 'w3', 1, ?, 'now')").run(tooBig)).toThrow(/CHECK/);
    db.close();
  });

  it('6: adds named map views with their format version and checks; earlier data survives', () => {
    const db = new Database(':memory:');
    migrate(db, consoleMigrations, recordingLogger(), 5);
    db.prepare("INSERT INTO window_states VALUES ('map', 'default', 1, '{}', 'now')").run();
    migrate(db, consoleMigrations, recordingLogger(), 6);
    expect(schemaVersion(db)).toBe(6);
    expect(db.prepare('SELECT count(*) AS n FROM window_states').get()).toEqual({ n: 1 });
    expect(columns(db, 'map_views')).toEqual(['name', 'format_version', 'body_json', 'saved_at', 'saved_by']);
    db.prepare("INSERT INTO map_views VALUES ('解放碑', 2, '{}', 'now', '值班员')").run();
    expect(() => db.prepare("INSERT INTO map_views VALUES ('解放碑', 2, '{}', 'now', '值班员')").run()).toThrow(/UNIQUE|PRIMARY/);
    expect(() => db.prepare("INSERT INTO map_views VALUES ('', 2, '{}', 'now', '值班员')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO map_views VALUES ('v0', 0, '{}', 'now', '值班员')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO map_views VALUES ('bad', 2, '{not json', 'now', '值班员')").run()).toThrow(/CHECK/);
    db.close();
  });

  it('7: adds the call log with its checks; earlier data survives', () => {
    const db = new Database(':memory:');
    migrate(db, consoleMigrations, recordingLogger(), 6);
    db.prepare("INSERT INTO map_views VALUES ('解放碑', 2, '{}', 'now', '值班员')").run();
    migrate(db, consoleMigrations, recordingLogger(), 7);
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare('SELECT count(*) AS n FROM map_views').get()).toEqual({ n: 1 });
    expect(columns(db, 'call_log')).toEqual([
      'id', 'direction', 'media', 'peer_user', 'peer_name', 'crew_id', 'priority', 'started_at', 'answered_at', 'ended_at',
      'outcome', 'error', 'incident_id', 'run_id', 'drill', 'group_call_id', 'operator', 'updated_at',
    ]);
    const insert = db.prepare(
      "INSERT INTO call_log VALUES (?, ?, 'audio', '6001', NULL, NULL, ?, 'now', NULL, NULL, ?, NULL, NULL, NULL, 0, NULL, '值班员', 'now')",
    );
    insert.run('call-1', 'outgoing', 'normal', 'ringing');
    expect(() => insert.run('call-1', 'outgoing', 'normal', 'ringing')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => insert.run('call-2', 'sideways', 'normal', 'ringing')).toThrow(/CHECK/);
    expect(() => insert.run('call-3', 'incoming', 'whenever', 'ringing')).toThrow(/CHECK/);
    expect(() => insert.run('call-4', 'incoming', 'normal', 'lost')).toThrow(/CHECK/);
    db.close();
  });

  it('8: adds camera snapshots, JPEG only, with their checks; earlier data survives', () => {
    const db = new Database(':memory:');
    migrate(db, consoleMigrations, recordingLogger(), 7);
    db.prepare("INSERT INTO call_log VALUES ('call-1', 'outgoing', 'audio', '6001', NULL, NULL, 'normal', 'now', NULL, NULL, 'ringing', NULL, NULL, NULL, 0, NULL, '值班员', 'now')").run();
    migrate(db, consoleMigrations, recordingLogger(), 8);
    expect(schemaVersion(db)).toBe(8);
    expect(db.prepare('SELECT count(*) AS n FROM call_log').get()).toEqual({ n: 1 });
    expect(columns(db, 'snapshots')).toEqual([
      'id', 'camera_id', 'camera_code', 'camera_name', 'incident_id', 'captured_at', 'saved_at', 'operator', 'origin', 'width', 'height', 'jpeg',
    ]);
    const insert = db.prepare("INSERT INTO snapshots VALUES (?, 'CM000001', '50010300001320000001', '解放碑', NULL, 'now', 'now', '值班员', 'console-1', ?, 360, ?)");
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
    insert.run('s-1', 640, jpeg);
    expect(() => insert.run('s-1', 640, jpeg)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => insert.run('s-2', 0, jpeg)).toThrow(/CHECK/);
    expect(() => insert.run('s-3', 640, Buffer.from('<svg onload=alert(1)>'))).toThrow(/CHECK/);
    db.close();
  });

  it('9: lets the outbox settle a record as refused, with its reason, and keeps received records set aside', () => {
    const db = new Database(':memory:');
    migrate(db, consoleMigrations, recordingLogger(), 8);
    const add = db.prepare('INSERT INTO outbox (key, body_json, created_at) VALUES (?, ?, ?)');
    add.run('run:a', '{}', 'now');
    add.run('run:b', '{}', 'now');
    db.prepare("UPDATE outbox SET settled_at = 'now', outcome = 'stored' WHERE key = 'run:a'").run();
    migrate(db, consoleMigrations, recordingLogger(), 9);
    expect(schemaVersion(db)).toBe(9);
    // What was there survives, in order and with its outcome; new rows number on after it.
    expect(db.prepare('SELECT seq, key, outcome FROM outbox ORDER BY seq').all()).toEqual([
      { seq: 1, key: 'run:a', outcome: 'stored' },
      { seq: 2, key: 'run:b', outcome: null },
    ]);
    expect(add.run('run:c', '{}', 'now').lastInsertRowid).toBe(3);
    expect(() => add.run('run:c', '{}', 'now')).toThrow(/UNIQUE/);
    const settle = db.prepare('UPDATE outbox SET settled_at = ?, outcome = ?, refusal_reason = ?, refusal_detail = ? WHERE key = ?');
    settle.run('now', 'refused', 'unknown-run', 'r', 'run:b');
    // A refusal needs its reason, and only a refusal has one.
    expect(() => settle.run('now', 'refused', null, null, 'run:c')).toThrow(/CHECK/);
    expect(() => settle.run('now', 'stored', 'unknown-run', 'r', 'run:c')).toThrow(/CHECK/);
    expect(() => settle.run('now', 'lost', null, null, 'run:c')).toThrow(/CHECK/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' ORDER BY name").all()).toEqual([
      { name: 'outbox_pending' },
      { name: 'outbox_refused' },
      { name: 'sqlite_autoindex_outbox_1' },
    ]);
    expect(columns(db, 'sync_set_aside')).toEqual(['seq', 'key', 'origin_console', 'reason', 'detail', 'body_json', 'at']);
    const setAside = db.prepare("INSERT INTO sync_set_aside VALUES (?, 'run-event:x#1', 'console-b', 'unknown-run', 'x', '{}', 'now')");
    setAside.run(7);
    expect(() => setAside.run(7)).toThrow(/UNIQUE|PRIMARY/);
    db.close();
  });

  it('10: adds users and credentials, which hold only hashes and say whose they are', () => {
    const db = new Database(':memory:');
    migrate(db, consoleMigrations, recordingLogger(), 9);
    db.prepare("INSERT INTO settings VALUES ('language', '\"en\"', 'now')").run();
    migrate(db, consoleMigrations, recordingLogger(), 10);
    expect(schemaVersion(db)).toBe(10);
    expect(db.prepare('SELECT value_json FROM settings').get()).toEqual({ value_json: '"en"' });
    db.pragma('foreign_keys = ON');
    db.prepare("INSERT INTO users (id, username, display_name, password_hash, roles_json, created_at, updated_at) VALUES ('US1', 'admin', 'admin', 'scrypt$x', '[]', 'now', 'now')").run();
    expect(() => db.prepare("INSERT INTO users (id, username, display_name, password_hash, roles_json, created_at, updated_at) VALUES ('US2', 'admin', 'b', 'h', '[]', 'now', 'now')").run()).toThrow(/UNIQUE/);
    const insert = db.prepare('INSERT INTO credentials (id, kind, secret_hash, code_hash, user_id, crew_id, label, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run('CD1', 'session', 'h1', null, 'US1', null, 'a', 'now', 'admin');
    insert.run('CD2', 'crew', null, 'c2', null, 'CR0002', 'CR0002', 'now', 'admin');
    // A session belongs to a user, a crew credential names its crew, and each holds a secret or a code.
    expect(() => insert.run('CD3', 'session', 'h3', null, null, null, 'a', 'now', 'admin')).toThrow(/CHECK/);
    expect(() => insert.run('CD4', 'crew', 'h4', null, null, null, 'a', 'now', 'admin')).toThrow(/CHECK/);
    expect(() => insert.run('CD5', 'screen', null, null, null, null, 'a', 'now', 'admin')).toThrow(/CHECK/);
    expect(() => insert.run('CD6', 'session', 'h6', null, 'US9', null, 'a', 'now', 'admin')).toThrow(/FOREIGN KEY/);
    expect(() => insert.run('CD7', 'screen', 'h1', null, null, null, 'a', 'now', 'admin')).toThrow(/UNIQUE/);
    db.close();
  });

  it('11: turns call-log problems written as bilingual text into codes; the log reads them', () => {
    const db = new Database(':memory:');
    migrate(db, consoleMigrations, recordingLogger(), 10);
    const insert = db.prepare(
      "INSERT INTO call_log VALUES (?, 'outgoing', 'audio', '6002', NULL, NULL, 'normal', '2026-11-27T08:00:00.000Z', NULL, '2026-11-27T08:00:30.000Z', 'failed', ?, NULL, NULL, 0, NULL, '值班员', 'now')",
    );
    insert.run('old-fail', '呼叫失败 / The call failed (500 Server Error)');
    insert.run('old-stop', '控制台在通话中停止，通话以最后记录为准 / The console stopped during the call; it ends where it was last logged');
    insert.run('new-busy', JSON.stringify({ code: 'crew-busy', detail: '486 Busy Here' }));
    insert.run('no-problem', null);
    migrate(db, consoleMigrations, recordingLogger(), 11);
    expect(schemaVersion(db)).toBe(11);
    const calls = new CallLogRepository(db, recordingLogger());
    expect(calls.get('old-fail')?.problem).toEqual({ code: 'call-failed', detail: '呼叫失败 / The call failed (500 Server Error)' });
    expect(calls.get('old-stop')?.problem).toEqual({ code: 'console-stopped', detail: null });
    expect(calls.get('new-busy')?.problem).toEqual({ code: 'crew-busy', detail: '486 Busy Here' });
    expect(calls.get('no-problem')?.problem).toBeNull();
    db.close();
  });
});
