import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { parsePlanFile } from '../../../shared/plans/plan-file.js';
import { PlanSchema, type Plan } from '../../../shared/plans/plan-schema.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';

interface PlanVersionRow {
  plan_id: string;
  version: number;
  source_file: string;
  source_sha256: string;
  body_json: string;
  origin_console: string;
  source_text: string | null;
}

/** One stored plan version as the console keeps it: the plan and the file it was read from. */
export interface StoredPlanVersion {
  planId: string;
  version: number;
  sourceFile: string;
  sourceSha256: string;
  /** The plan as stored; null when the stored body no longer matches the plan schema. */
  plan: Plan | null;
  originConsole: string;
  /** The file as written (comments included); null for versions stored without it (before migration 4, or synced from a console that sends none). */
  sourceText: string | null;
}

export interface NewPlanVersion {
  plan: Plan;
  sourceFile: string;
  sourceSha256: string;
  sourceText: string | null;
  originConsole: string;
  storedAt: Date;
}

/** The SHA-256 (hex) that identifies a plan file's text: the same file always gives the same version fingerprint. */
export function planSourceSha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Why a plan file's text is not the version it comes with (null when it is): its hash must be the one claimed, and it
 * must parse to the same plan. A synced plan version is trusted only with a text that passes this check.
 */
export function planSourceMismatch(source: { plan: Plan; sha256: string; sourceFile: string; sourceText: string }): string | null {
  if (planSourceSha256(source.sourceText) !== source.sha256) return `the source text of ${source.plan.id}@${source.plan.version} does not hash to ${source.sha256.slice(0, 12)}…`;
  const parsed = parsePlanFile(source.sourceFile, source.sourceText);
  if (!parsed.ok) return `the source text of ${source.plan.id}@${source.plan.version} does not parse (${parsed.problems[0]?.message ?? 'invalid'})`;
  // Compared as JSON values: the plan travelled as JSON, and key order means nothing.
  const asJson = (plan: Plan): unknown => JSON.parse(JSON.stringify(plan));
  if (!isDeepStrictEqual(asJson(parsed.plan), asJson(source.plan))) return `the source text of ${source.plan.id}@${source.plan.version} parses to a different plan`;
  return null;
}

/**
 * Plan versions in the console database (table plan_versions). A version, once stored, is never changed: this is
 * the only code that reads or writes the table, for the plan library and for plan versions synced from other consoles.
 */
export class PlanRepository {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    const columns = 'plan_id, version, source_file, source_sha256, body_json, origin_console, source_text';
    this.statements = {
      find: db.prepare<[string, number], PlanVersionRow>(`SELECT ${columns} FROM plan_versions WHERE plan_id = ? AND version = ?`),
      exists: db.prepare<[string, number], { found: 1 }>('SELECT 1 AS found FROM plan_versions WHERE plan_id = ? AND version = ?'),
      insert: db.prepare(
        `INSERT INTO plan_versions (plan_id, version, title_zh, title_en, source_file, source_sha256, body_json, origin_console, stored_at, source_text)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      latest: db.prepare<[], PlanVersionRow>(
        `SELECT ${columns} FROM plan_versions p
         WHERE p.version = (SELECT MAX(version) FROM plan_versions q WHERE q.plan_id = p.plan_id) ORDER BY p.plan_id`,
      ),
    };
  }

  find(planId: string, version: number): StoredPlanVersion | undefined {
    const row = this.statements.find.get(planId, version);
    return row && toStored(row);
  }

  /** Whether the version is stored, without reading its body (runs of other consoles are checked against it). */
  exists(planId: string, version: number): boolean {
    return this.statements.exists.get(planId, version) !== undefined;
  }

  /** Stores a new version; a version already stored under the same (id, version) is a constraint error. */
  insert(entry: NewPlanVersion): void {
    const { plan } = entry;
    this.statements.insert.run(
      plan.id,
      plan.version,
      plan.title.zh,
      plan.title.en,
      entry.sourceFile,
      entry.sourceSha256,
      JSON.stringify(plan),
      entry.originConsole,
      entry.storedAt.toISOString(),
      entry.sourceText,
    );
  }

  /** Runs `work` in one transaction of the database the table lives in (with the outbox record of the change). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /** The highest stored version of every plan, by plan id. */
  latestVersions(): StoredPlanVersion[] {
    return this.statements.latest.all().map(toStored);
  }
}

function toStored(row: PlanVersionRow): StoredPlanVersion {
  const parsed = PlanSchema.safeParse(JSON.parse(row.body_json));
  return {
    planId: row.plan_id,
    version: row.version,
    sourceFile: row.source_file,
    sourceSha256: row.source_sha256,
    plan: parsed.success ? parsed.data : null,
    originConsole: row.origin_console,
    sourceText: row.source_text,
  };
}
