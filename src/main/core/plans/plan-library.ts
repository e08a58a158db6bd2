import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { join } from 'node:path';
import { parsePlanFile, type PlanFileProblem } from '../../../shared/plans/plan-file.js';
import type { Plan } from '../../../shared/plans/plan-schema.js';
import type { PlanLibrary, PlanSummary } from '../../../shared/plans/plan-views.js';
import { planVersionKey } from '../../../shared/sync/sync-records.js';
import type { Logger } from '../../../node/logger.js';
import type { Clock } from '../clock/index.js';
import { planSourceSha256, type PlanRepository } from './plan-repository.js';
import type { RecordOutbox } from './record-outbox.js';

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
    private readonly repository: PlanRepository,
    private readonly outbox: RecordOutbox,
    private readonly consoleId: string,
    private readonly logger: Logger,
    private readonly clock: Clock,
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
    const store = (plan: Plan, file: string, sha: string, text: string) =>
      this.repository.transaction(() => {
        const stored = this.repository.find(plan.id, plan.version);
        if (!stored) {
          this.repository.insert({ plan, sourceFile: file, sourceSha256: sha, sourceText: text, originConsole: this.consoleId, storedAt: this.clock.now() });
          // The text travels with the version, so another console exports the file as written too.
          this.outbox.add({ kind: 'plan-version', key: planVersionKey(plan.id, plan.version), origin: this.consoleId, body: { plan, sha256: sha, sourceFile: file, sourceText: text } });
          this.logger.info('stored plan version', { planId: plan.id, version: plan.version, file });
          return null;
        }
        if (stored.sourceSha256 === sha) return null;
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
      const conflict = store(result.plan, name, planSourceSha256(text), text);
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
    const stored = this.repository.find(planId, version);
    if (!stored) throw new Error(`Plan ${planId} version ${version} is not stored.`);
    if (!stored.plan) throw new Error(`Plan ${planId} version ${version} no longer matches the plan schema.`);
    this.versions.set(key, stored.plan);
    return stored.plan;
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
    return { fileName: `${plan.id}.yaml`, text: this.repository.find(plan.id, plan.version)?.sourceText ?? stringify(plan) };
  }

  /** Re-reads the stored versions (another console's plan versions may have arrived). */
  reloadLatest(): void {
    this.latest.clear();
    for (const stored of this.repository.latestVersions()) {
      if (!stored.plan) {
        this.logger.error('stored plan no longer matches the schema', { planId: stored.planId, version: stored.version });
        continue;
      }
      this.latest.set(stored.planId, stored.plan);
      this.sources.set(stored.planId, stored.sourceFile);
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
