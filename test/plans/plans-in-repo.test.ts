import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planJsonSchemaText, PLAN_SCHEMA_FILE } from '../../scripts/plans/export-plan-schema.js';
import { SensorKindSchema } from '../../src/shared/city/schemas.js';
import { parsePlanFile } from '../../src/shared/plans/plan-file.js';
import type { Plan, PlanStep } from '../../src/shared/plans/plan-schema.js';

const PLANS_DIR = fileURLToPath(new URL('../../plans/', import.meta.url));
const MODELINE = '# yaml-language-server: $schema=./plan.schema.json';

const STEP_TYPES = ['notify', 'call', 'open-cameras', 'focus-map', 'task', 'wait', 'decision', 'parallel'] as const;
// A step type added to the schema must be added here too, so the set of plans keeps showing every kind of step.
type UnlistedStepType = Exclude<PlanStep['type'], (typeof STEP_TYPES)[number]>;
const everyStepTypeListed: [UnlistedStepType] extends [never] ? true : never = true;

/** Case types a plan may list besides the sensor kinds (incidents reported by people rather than by a sensor). */
const CASE_TYPES = ['waterlogging', 'slope-collapse', 'gas-leak', 'crowd-safety', 'major-event'];

const planFiles = readdirSync(PLANS_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

function loadPlan(name: string): Plan {
  const result = parsePlanFile(`plans/${name}`, readFileSync(`${PLANS_DIR}${name}`, 'utf8'));
  if (!result.ok) throw new Error(`plans/${name} has problems:\n${result.problems.map((p) => `  ${p.line}:${p.column} ${p.message}`).join('\n')}`);
  return result.plan;
}

function allSteps(steps: readonly PlanStep[]): PlanStep[] {
  return steps.flatMap((step) => (step.type === 'parallel' ? [step, ...step.branches.flatMap((branch) => allSteps(branch))] : [step]));
}

describe('plans in the repository', () => {
  it('are at least six', () => {
    expect(planFiles.length).toBeGreaterThanOrEqual(6);
  });

  it.each(planFiles)('%s parses with no problems', (name) => {
    const result = parsePlanFile(`plans/${name}`, readFileSync(`${PLANS_DIR}${name}`, 'utf8'));
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it.each(planFiles)('%s starts with the editor schema modeline', (name) => {
    expect(readFileSync(`${PLANS_DIR}${name}`, 'utf8').split('\n', 1)[0]).toBe(MODELINE);
  });

  it('have unique ids that match their file names', () => {
    const ids = planFiles.map((name) => loadPlan(name).id);
    expect(ids.map((id) => `${id}.yaml`)).toEqual(planFiles);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('use every step type somewhere', () => {
    expect(everyStepTypeListed).toBe(true);
    const used = new Set(planFiles.flatMap((name) => allSteps(loadPlan(name).steps).map((step) => step.type)));
    expect([...STEP_TYPES].filter((type) => !used.has(type))).toEqual([]);
  });

  // The parser checks that jumps land somewhere; only a walk of the flow shows a step that nothing leads to.
  it.each(planFiles)('%s can reach every step from its first step', (name) => {
    const plan = loadPlan(name);
    const reached = new Set<string>();
    const walk = (list: readonly PlanStep[], from: number) => {
      const step = list[from];
      if (!step || reached.has(step.id)) return;
      reached.add(step.id);
      const goTo = (target: string | undefined) => {
        if (target === 'end') return;
        const at = target === undefined ? from + 1 : list.findIndex((candidate) => candidate.id === target);
        walk(list, at);
      };
      if (step.type === 'decision') {
        // The run moves on from a decision only through the chosen option.
        step.options.forEach((option) => goTo(option.next));
        return;
      }
      if (step.type === 'parallel') step.branches.forEach((branch) => walk(branch, 0));
      goTo(step.next);
    };
    walk(plan.steps, 0);
    expect(allSteps(plan.steps).map((step) => step.id).filter((id) => !reached.has(id))).toEqual([]);
  });

  it.each(planFiles)('%s has at least one time limit that escalates', (name) => {
    expect(allSteps(loadPlan(name).steps).filter((step) => step.timeLimit !== undefined).length).toBeGreaterThan(0);
  });

  // The schema accepts any string for these, so a typo would only show as a plan that is never offered.
  it.each(planFiles)('%s names only known incident types and triggers on its own sensor kinds', (name) => {
    const plan = loadPlan(name);
    const known = new Set<string>([...SensorKindSchema.options, ...CASE_TYPES]);
    expect(plan.incidentTypes.filter((type) => !known.has(type))).toEqual([]);
    const sensorKinds = new Set<string>(SensorKindSchema.options);
    for (const trigger of plan.triggers) {
      expect(sensorKinds.has(trigger.sensorKind), `trigger on "${trigger.sensorKind}"`).toBe(true);
      expect(plan.incidentTypes, `trigger on "${trigger.sensorKind}"`).toContain(trigger.sensorKind);
    }
  });
});

describe('plans/plan.schema.json', () => {
  it('is exactly what scripts/plans/export-plan-schema.ts generates (run it after changing the plan schema)', () => {
    expect(readFileSync(PLAN_SCHEMA_FILE, 'utf8')).toBe(planJsonSchemaText());
  });
});
