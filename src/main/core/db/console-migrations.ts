import type { Migration } from '../../../node/sqlite.js';

/**
 * The console's local database. Append only: a released migration is never edited, a change is a new version with
 * its own test in console-migrations.test.ts.
 */
export const consoleMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'console identity and settings',
    up(db) {
      db.exec(`
        CREATE TABLE console_identity (
          singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
          console_id TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value_json TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 2,
    name: 'plan versions, runs and their append-only event log',
    up(db) {
      db.exec(`
        CREATE TABLE plan_versions (
          plan_id TEXT NOT NULL,
          version INTEGER NOT NULL,
          title_zh TEXT NOT NULL,
          title_en TEXT NOT NULL,
          source_file TEXT NOT NULL,
          source_sha256 TEXT NOT NULL,
          body_json TEXT NOT NULL,
          origin_console TEXT NOT NULL,
          stored_at TEXT NOT NULL,
          PRIMARY KEY (plan_id, version)
        );
        CREATE TABLE runs (
          run_id TEXT PRIMARY KEY,
          plan_id TEXT NOT NULL,
          plan_version INTEGER NOT NULL,
          mode TEXT NOT NULL CHECK (mode IN ('live', 'drill')),
          drill_id TEXT,
          status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'aborted')),
          started_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          origin_console TEXT NOT NULL,
          FOREIGN KEY (plan_id, plan_version) REFERENCES plan_versions (plan_id, version),
          CHECK ((mode = 'drill') = (drill_id IS NOT NULL))
        );
        CREATE INDEX runs_active ON runs (status) WHERE status = 'active';
        CREATE TABLE run_events (
          run_id TEXT NOT NULL REFERENCES runs (run_id),
          seq INTEGER NOT NULL,
          at TEXT NOT NULL,
          type TEXT NOT NULL,
          body_json TEXT NOT NULL,
          origin_console TEXT NOT NULL,
          PRIMARY KEY (run_id, seq)
        );
        CREATE TRIGGER run_events_no_update BEFORE UPDATE ON run_events
          BEGIN SELECT RAISE(ABORT, 'run events are append-only'); END;
        CREATE TRIGGER run_events_no_delete BEFORE DELETE ON run_events
          BEGIN SELECT RAISE(ABORT, 'run events are append-only'); END;
      `);
    },
  },
  {
    version: 3,
    name: 'sync outbox, catch-up cursor and conflicts',
    up(db) {
      db.exec(`
        CREATE TABLE outbox (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          key TEXT NOT NULL UNIQUE,
          body_json TEXT NOT NULL,
          created_at TEXT NOT NULL,
          -- Set once the backend has answered for the record: it stored it, or refused it as a conflict.
          settled_at TEXT,
          outcome TEXT CHECK (outcome IN ('stored', 'conflict')),
          CHECK ((settled_at IS NULL) = (outcome IS NULL))
        );
        CREATE INDEX outbox_pending ON outbox (seq) WHERE settled_at IS NULL;
        CREATE TABLE sync_cursor (
          singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
          pulled_through INTEGER NOT NULL
        );
        INSERT INTO sync_cursor VALUES (1, 0);
        CREATE TABLE sync_conflicts (
          key TEXT NOT NULL,
          kept_from TEXT NOT NULL,
          refused_from TEXT NOT NULL,
          at TEXT NOT NULL,
          PRIMARY KEY (key, refused_from)
        );
      `);
      // Everything this console wrote before sync existed goes out too, in the order it was written.
      db.exec(`
        INSERT INTO outbox (key, body_json, created_at)
          SELECT 'plan:' || plan_id || '@' || version,
                 json_object('kind', 'plan-version', 'key', 'plan:' || plan_id || '@' || version, 'origin', origin_console,
                             'body', json_object('plan', json(body_json), 'sha256', source_sha256, 'sourceFile', source_file)),
                 stored_at
          FROM plan_versions ORDER BY stored_at, plan_id, version;
        INSERT INTO outbox (key, body_json, created_at)
          SELECT 'run:' || run_id,
                 json_object('kind', 'run', 'key', 'run:' || run_id, 'origin', origin_console,
                             'body', json_object('runId', run_id, 'planId', plan_id, 'planVersion', plan_version, 'mode', mode,
                                                 'drillId', drill_id, 'startedAt', started_at)),
                 started_at
          FROM runs ORDER BY started_at, run_id;
        INSERT INTO outbox (key, body_json, created_at)
          SELECT 'run-event:' || run_id || '#' || seq,
                 json_object('kind', 'run-event', 'key', 'run-event:' || run_id || '#' || seq, 'origin', origin_console,
                             'body', json_object('runId', run_id, 'seq', seq, 'event', json(body_json))),
                 at
          FROM run_events ORDER BY run_id, seq;
      `);
    },
  },
  {
    version: 4,
    name: 'plan versions keep their source text',
    up(db) {
      // Exported plans give back the file as written (comments included); versions stored before have none.
      db.exec('ALTER TABLE plan_versions ADD COLUMN source_text TEXT');
    },
  },
  {
    version: 5,
    name: 'wall scenes, the active scene and per-window state',
    up(db) {
      db.exec(`
        CREATE TABLE scenes (
          scene_id TEXT PRIMARY KEY,
          builtin INTEGER NOT NULL CHECK (builtin IN (0, 1)),
          body_json TEXT NOT NULL CHECK (json_valid(body_json)),
          updated_at TEXT NOT NULL,
          updated_by TEXT NOT NULL
        );
        -- The scene the wall shows, kept across restarts: an emergency scene must still revert when its run ends after
        -- the host was restarted mid-run.
        CREATE TABLE active_scene (
          singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
          scene_id TEXT NOT NULL,
          -- The definition as applied (an emergency scene aimed at its incident), so a restart shows exactly that.
          body_json TEXT NOT NULL CHECK (json_valid(body_json)),
          applied_by TEXT NOT NULL,
          applied_at TEXT NOT NULL,
          cause TEXT NOT NULL,
          run_json TEXT CHECK (run_json IS NULL OR json_valid(run_json)),
          -- The scene to go back to when the run ends.
          revert_to TEXT,
          CHECK ((run_json IS NULL) = (revert_to IS NULL))
        );
        CREATE TABLE window_states (
          role TEXT NOT NULL,
          screen TEXT NOT NULL,
          version INTEGER NOT NULL CHECK (version >= 1),
          data_json TEXT NOT NULL CHECK (json_valid(data_json) AND length(CAST(data_json AS BLOB)) <= 16384),
          saved_at TEXT NOT NULL,
          PRIMARY KEY (role, screen)
        );
      `);
    },
  },
  {
    version: 6,
    name: 'named map views',
    up(db) {
      // A view keeps the format it was written in; the reader upgrades it, so an old row is never rewritten in place.
      db.exec(`
        CREATE TABLE map_views (
          name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 40),
          format_version INTEGER NOT NULL CHECK (format_version >= 1),
          body_json TEXT NOT NULL CHECK (json_valid(body_json) AND length(CAST(body_json AS BLOB)) <= 16384),
          saved_at TEXT NOT NULL,
          saved_by TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 7,
    name: 'call log',
    up(db) {
      // One row per call, rewritten as the call moves on (ringing, talking, its end), so a crash keeps its last state.
      db.exec(`
        CREATE TABLE call_log (
          id TEXT PRIMARY KEY,
          direction TEXT NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
          media TEXT NOT NULL CHECK (media IN ('audio', 'video')),
          peer_user TEXT NOT NULL,
          peer_name TEXT,
          crew_id TEXT,
          priority TEXT NOT NULL CHECK (priority IN ('emergency', 'urgent', 'normal', 'non-urgent')),
          started_at TEXT NOT NULL,
          answered_at TEXT,
          ended_at TEXT,
          outcome TEXT NOT NULL CHECK (outcome IN ('ringing', 'talking', 'completed', 'missed', 'rejected', 'busy', 'unavailable',
            'cancelled', 'transferred', 'failed')),
          error TEXT,
          incident_id TEXT,
          run_id TEXT,
          drill INTEGER NOT NULL CHECK (drill IN (0, 1)),
          group_call_id TEXT,
          operator TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE INDEX call_log_started ON call_log (started_at);
        CREATE INDEX call_log_incident ON call_log (incident_id) WHERE incident_id IS NOT NULL;
      `);
    },
  },
  {
    version: 8,
    name: 'camera snapshots',
    up(db) {
      // The still itself is kept in the database (not a file beside it): written in the same transaction as its row,
      // so a crash leaves either both or neither.
      db.exec(`
        CREATE TABLE snapshots (
          id TEXT PRIMARY KEY,
          camera_id TEXT NOT NULL,
          camera_code TEXT NOT NULL,
          camera_name TEXT NOT NULL,
          incident_id TEXT,
          captured_at TEXT NOT NULL,
          saved_at TEXT NOT NULL,
          operator TEXT NOT NULL,
          origin TEXT NOT NULL,
          width INTEGER NOT NULL CHECK (width BETWEEN 1 AND 8192),
          height INTEGER NOT NULL CHECK (height BETWEEN 1 AND 8192),
          jpeg BLOB NOT NULL CHECK (length(jpeg) BETWEEN 4 AND 4000000 AND hex(substr(jpeg, 1, 3)) = 'FFD8FF')
        );
        CREATE INDEX snapshots_incident ON snapshots (incident_id, captured_at) WHERE incident_id IS NOT NULL;
        CREATE INDEX snapshots_captured ON snapshots (captured_at);
      `);
    },
  },
  {
    version: 9,
    name: 'refused outbox records and received records set aside',
    up(db) {
      // A record the backend refuses leaves the queue (so it cannot block what follows) with its reason; SQLite
      // cannot widen a CHECK in place, so the outbox is copied into a table that allows the new outcome.
      db.exec(`
        CREATE TABLE outbox_v9 (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          key TEXT NOT NULL UNIQUE,
          body_json TEXT NOT NULL,
          created_at TEXT NOT NULL,
          -- Set once the backend has answered for the record: it stored it, found it a conflict, or refused it.
          settled_at TEXT,
          outcome TEXT CHECK (outcome IN ('stored', 'conflict', 'refused')),
          refusal_reason TEXT,
          refusal_detail TEXT,
          CHECK ((settled_at IS NULL) = (outcome IS NULL)),
          CHECK ((outcome = 'refused') = (refusal_reason IS NOT NULL))
        );
        INSERT INTO outbox_v9 (seq, key, body_json, created_at, settled_at, outcome)
          SELECT seq, key, body_json, created_at, settled_at, outcome FROM outbox ORDER BY seq;
        DROP TABLE outbox;
        ALTER TABLE outbox_v9 RENAME TO outbox;
        CREATE INDEX outbox_pending ON outbox (seq) WHERE settled_at IS NULL;
        CREATE INDEX outbox_refused ON outbox (settled_at) WHERE outcome = 'refused';
        -- Records of other consoles this console could not apply, kept whole with why; the cursor moves past them.
        CREATE TABLE sync_set_aside (
          seq INTEGER PRIMARY KEY,
          key TEXT NOT NULL,
          origin_console TEXT NOT NULL,
          reason TEXT NOT NULL,
          detail TEXT NOT NULL,
          body_json TEXT NOT NULL,
          at TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 10,
    name: 'users and credentials',
    up(db) {
      // Passwords are kept as scrypt hashes with their parameters; credential secrets (256 random bits) and one-time
      // codes as SHA-256 hashes: what the database holds never signs anyone in.
      db.exec(`
        CREATE TABLE users (
          id TEXT PRIMARY KEY,
          username TEXT NOT NULL UNIQUE,
          display_name TEXT NOT NULL,
          password_hash TEXT NOT NULL,
          roles_json TEXT NOT NULL,
          disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          last_sign_in_at TEXT
        );
        CREATE TABLE credentials (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('session', 'crew', 'screen')),
          -- Null until its one-time code is used (a pending enrolment or sign-in link).
          secret_hash TEXT UNIQUE,
          code_hash TEXT UNIQUE,
          code_expires_at TEXT,
          user_id TEXT REFERENCES users (id),
          crew_id TEXT,
          label TEXT NOT NULL,
          created_at TEXT NOT NULL,
          created_by TEXT NOT NULL,
          last_used_at TEXT,
          expires_at TEXT,
          revoked_at TEXT,
          locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
          CHECK ((kind = 'session') = (user_id IS NOT NULL)),
          CHECK ((kind = 'crew') = (crew_id IS NOT NULL)),
          CHECK (secret_hash IS NOT NULL OR code_hash IS NOT NULL)
        );
        CREATE INDEX credentials_user ON credentials (user_id) WHERE user_id IS NOT NULL;
      `);
    },
  },
  {
    version: 11,
    name: 'call problems as codes',
    up(db) {
      // Rows logged before problems were codes hold bilingual text in \`error\`. The marker of a call the console
      // stopped during (matched by its English half) becomes that code; any other text stays as a failed call's
      // detail. The log then holds only problems as JSON, which the window translates.
      db.exec(`
        UPDATE call_log SET error = json_object('code', 'console-stopped', 'detail', NULL)
          WHERE error LIKE '% / The console stopped during the call; it ends where it was last logged';
        UPDATE call_log SET error = json_object('code', 'call-failed', 'detail', substr(error, 1, 300))
          WHERE error IS NOT NULL AND error NOT LIKE '{%';
      `);
    },
  },
];
