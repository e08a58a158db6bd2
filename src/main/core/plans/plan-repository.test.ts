import { describe, expect, it } from 'vitest';
import { bridgeTestPlanYaml } from '../../../../test/fixtures/plans/bridge-test-plan.js';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { openDatabase } from '../../../node/sqlite.js';
import { parsePlanFile } from '../../../shared/plans/plan-file.js';
import type { Plan } from '../../../shared/plans/plan-schema.js';
import { consoleMigrations } from '../db/console-migrations.js';
import { PlanRepository, planSourceMismatch, planSourceSha256 } from './plan-repository.js';

function planOf(text: string): Plan {
  const parsed = parsePlanFile('bridge-test.yaml', text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.plan;
}

const sourceText = `# 原文注释：保留在导出里\n${bridgeTestPlanYaml}`;
const plan = planOf(sourceText);

function repository(): PlanRepository {
  return new PlanRepository(openDatabase({ file: ':memory:', migrations: consoleMigrations, logger: recordingLogger() }));
}

describe('PlanRepository', () => {
  it('stores a version with its source text and reads it back as stored', () => {
    const plans = repository();
    expect(plans.find(plan.id, plan.version)).toBeUndefined();
    expect(plans.exists(plan.id, plan.version)).toBe(false);
    plans.insert({ plan, sourceFile: 'bridge-test.yaml', sourceSha256: planSourceSha256(sourceText), sourceText, originConsole: 'console-a', storedAt: new Date('2026-12-06T01:00:00Z') });
    expect(plans.exists(plan.id, plan.version)).toBe(true);
    expect(plans.find(plan.id, plan.version)).toEqual({
      planId: 'bridge-test',
      version: 2,
      sourceFile: 'bridge-test.yaml',
      sourceSha256: planSourceSha256(sourceText),
      plan,
      originConsole: 'console-a',
      sourceText,
    });
  });

  it('never overwrites a stored version', () => {
    const plans = repository();
    const entry = { plan, sourceFile: 'bridge-test.yaml', sourceSha256: 'a', sourceText: null, originConsole: 'console-a', storedAt: new Date() };
    plans.insert(entry);
    expect(() => plans.insert({ ...entry, sourceSha256: 'b' })).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(plans.find(plan.id, plan.version)).toMatchObject({ sourceSha256: 'a', sourceText: null });
  });

  it('gives the highest version of each plan, in plan id order', () => {
    const plans = repository();
    const store = (version: number, id = plan.id) =>
      plans.insert({ plan: { ...plan, id, version }, sourceFile: `${id}.yaml`, sourceSha256: `${id}@${version}`, sourceText: null, originConsole: 'console-a', storedAt: new Date() });
    store(3);
    store(5, 'a-plan');
    store(4);
    store(1, 'a-plan');
    expect(plans.latestVersions().map((stored) => `${stored.planId}@${stored.version}`)).toEqual(['a-plan@5', 'bridge-test@4']);
  });

  it('passes a source text that hashes and parses to its version, and says why another does not', () => {
    const claimed = { plan, sha256: planSourceSha256(sourceText), sourceFile: 'bridge-test.yaml' };
    expect(planSourceMismatch({ ...claimed, sourceText })).toBeNull();
    // A plan that went through JSON (as a synced record does) is the same plan.
    expect(planSourceMismatch({ ...claimed, plan: JSON.parse(JSON.stringify(plan)) as Plan, sourceText })).toBeNull();
    expect(planSourceMismatch({ ...claimed, sourceText: `${sourceText}\n# 改过` })).toMatch(/does not hash/);
    const broken = 'formatVersion: 1\nid: bridge-test\n  version: [\n';
    expect(planSourceMismatch({ ...claimed, sha256: planSourceSha256(broken), sourceText: broken })).toMatch(/does not parse/);
    const other = sourceText.replace('桥梁测试预案', '别的预案');
    expect(planSourceMismatch({ ...claimed, sha256: planSourceSha256(other), sourceText: other })).toMatch(/different plan/);
  });
});
