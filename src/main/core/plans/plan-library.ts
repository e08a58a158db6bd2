import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { join } from 'node:path';
import { parsePlanFile, type PlanFileProblem } from '../../../shared/plans/plan-file.js';
import { PlanSchema, type Plan } from '../../../shared/plans/plan-schema.js';
import type { PlanLibrary, PlanSummary } from '../../../shared/plans/plan-views.js';
import { planVersionKey } from '../../../shared/sync/sync-records.js';
import type { Logger } from '../../../node/logger.js';
import type { Outbox } from '../sync/index.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';

interface PlanVersionRow {
  plan_id: string;
  version: number;
  source_file: string;
  source_sha256: string;
  body_json: string;
}

/**
 * The plans this console can run. Files in plans/ are read at start; a valid file is stored as a plan version, and a
 * stored version is never overwritten: a file that changed without a new version number, or that no longer parses,
 * is reported and the stored copy stays in use. Runs always refer to a stored (plan id, version).
 */
export class PlanLibraryService {
  private problems: PlanFileProblem[] = [];
  private readonly latest = new Map<string, Plan>();
  private readonly sources = new Map<string, string>();
  private readonly versions = new Map<string, Plan>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly outbox: Outbox,
    private readonly consoleId: string,
    private readonly logger: Logger,
  ) {}

  /** Loads every *.yaml / *.yml in `directory`; returns the library as the windows see it. */
  loadDirectory(directory: string): PlanLibrary {
    const problems: PlanFileProblem[] = [];
    let files: string[] = [];
    try {
      files = readdirSync(directory).filter((name) => /\.ya?ml$/i.test(name)).sort();
    } catch (error) {
      this.logger.warn('plan folder unreadable', { directory, error });
      problems.push({ file: directory, line: 1, column: 1, message: 'The plan folder cannot be read; stored plans stay in use.' });
    }
    const select = this.db.prepare<[string, number], PlanVersionRow>(
      'SELECT plan_id, version, source_file, source_sha256, body_json FROM plan_versions WHERE plan_id = ? AND version = ?',
    );
    const insert = this.db.prepare(
      `INSERT INTO plan_versions (plan_id, version, title_zh, title_en, source_file, source_sha256, body_json, origin_console, stored_at, source_text)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const store = this.db.transaction((plan: Plan, file: string, sha: string, text: string) => {
      const stored = select.get(plan.id, plan.version);
      if (!stored) {
        insert.run(plan.id, plan.version, plan.title.zh, plan.title.en, file, sha, JSON.stringify(plan), this.consoleId, new Date().toISOString(), text);
        this.outbox.add({ kind: 'plan-version', key: planVersionKey(plan.id, plan.version), origin: this.consoleId, body: { plan, sha256: sha, sourceFile: file } });
        this.logger.info('stored plan version', { planId: plan.id, version: plan.version, file });
        return null;
      }
      if (stored.source_sha256 === sha) return null;
      return `This file changed but still says version ${plan.version}; the stored version ${plan.version} stays in use. Raise "version" to store the change.`;
    });
    const fileOfId = new Map<string, string>();
    for (const name of files) {
      const path = join(directory, name);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        problems.push({ file: name, line: 1, column: 1, message: `Cannot read the file (${(error as Error).message}).` });
        continue;
      }
      const result = parsePlanFile(name, text);
      if (!result.ok) {
        problems.push(...result.problems);
        continue;
      }
      const expected = name.replace(/\.ya?ml$/i, '');
      if (result.plan.id !== expected) {
        problems.push({ file: name, line: 1, column: 1, message: `The plan id "${result.plan.id}" must match the file name ("${expected}"); the file was not loaded.` });
        continue;
      }
      const other = fileOfId.get(result.plan.id);
      if (other) {
        problems.push({ file: name, line: 1, column: 1, message: `${other} already defines the plan "${result.plan.id}"; the file was not loaded.` });
        continue;
      }
      fileOfId.set(result.plan.id, name);
      const conflict = store(result.plan, name, createHash('sha256').update(text).digest('hex'), text);
      if (conflict) problems.push({ file: name, line: 1, column: 1, message: conflict });
    }
    this.outbox.notifyAdded();
    this.problems = problems;
    if (problems.length > 0) this.logger.warn('plan files with problems', { problems });
    this.reloadLatest();
    return this.library();
  }

  library(): PlanLibrary {
    return { plans: [...this.latest.values()].map((plan) => this.summary(plan)), problems: this.problems };
  }

  latestPlans(): Plan[] {
    return [...this.latest.values()];
  }

  latestPlan(planId: string): Plan | undefined {
    return this.latest.get(planId);
  }

  /** A specific stored version (runs keep the version they started with). */
  version(planId: string, version: number): Plan {
    // Stored versions never change, so each is read and checked once.
    const key = `${planId}@${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const row = this.db
      .prepare<[string, number], PlanVersionRow>('SELECT plan_id, version, source_file, source_sha256, body_json FROM plan_versions WHERE plan_id = ? AND version = ?')
      .get(planId, version);
    if (!row) throw new Error(`Plan ${planId} version ${version} is not stored.`);
    const plan = PlanSchema.parse(JSON.parse(row.body_json));
    this.versions.set(key, plan);
    return plan;
  }

  /**
   * Adds a plan file from outside (an editor, another centre). It must parse, and be new or a higher version than the
   * file of the same id here: the file is then written to the plan folder and stored like any other.
   */
  importFile(directory: string, text: string): { library: PlanLibrary; problems: PlanFileProblem[] } {
    const fileName = 'imported.yaml';
    const result = parsePlanFile(fileName, text);
    if (!result.ok) return { library: this.library(), problems: result.problems };
    const plan = result.plan;
    const current = this.latest.get(plan.id);
    if (current && current.version >= plan.version) {
      const problem = { file: `${plan.id}.yaml`, line: 1, column: 1, message: `This console already has version ${current.version} of "${plan.id}"; raise "version" above it to import.` };
      return { library: this.library(), problems: [problem] };
    }
    writeFileSync(join(directory, `${plan.id}.yaml`), text);
    this.logger.info('plan imported', { planId: plan.id, version: plan.version });
    return { library: this.loadDirectory(directory), problems: [] };
  }

  /** The plan file as written (comments included) when stored with it, else the stored plan as YAML. */
  exportFile(planId: string): { fileName: string; text: string } {
    const plan = this.latest.get(planId);
    if (!plan) throw new Error(`No plan "${planId}".`);
    const row = this.db
      .prepare<[string, number], { source_text: string | null }>('SELECT source_text FROM plan_versions WHERE plan_id = ? AND version = ?')
      .get(plan.id, plan.version);
    return { fileName: `${plan.id}.yaml`, text: row?.source_text ?? stringify(plan) };
  }

  /** Re-reads the stored versions (another console's plan versions may have arrived). */
  reloadLatest(): void {
    this.latest.clear();
    const rows = this.db
      .prepare<[], PlanVersionRow>(
        `SELECT p.plan_id, p.version, p.source_file, p.source_sha256, p.body_json FROM plan_versions p
         WHERE p.version = (SELECT MAX(version) FROM plan_versions q WHERE q.plan_id = p.plan_id) ORDER BY p.plan_id`,
      )
      .all();
    for (const row of rows) {
      const parsed = PlanSchema.safeParse(JSON.parse(row.body_json));
      if (!parsed.success) {
        this.logger.error('stored plan no longer matches the schema', { planId: row.plan_id, version: row.version });
        continue;
      }
      this.latest.set(row.plan_id, parsed.data);
      this.sources.set(row.plan_id, row.source_file);
    }
  }

  private summary(plan: Plan): PlanSummary {
    let stepCount = 0;
    const count = (steps: Plan['steps']) => {
      for (const step of steps) {
        stepCount += 1;
        if (step.type === 'parallel') step.branches.forEach(count);
      }
    };
    count(plan.steps);
    return {
      id: plan.id,
      version: plan.version,
      title: plan.title,
      summary: plan.summary,
      incidentTypes: plan.incidentTypes,
      minSeverity: plan.minSeverity,
      sourceFile: this.sources.get(plan.id) ?? '',
      stepCount,
    };
  }
}
