import { describe, expect, it } from 'vitest';
import type { Plan } from './plan-schema.js';
import type { PlanSummary } from './plan-views.js';
import { plansForIncident, triggeredPlans } from './plan-matching.js';

const summary = (id: string, zh: string, incidentTypes: string[], minSeverity: PlanSummary['minSeverity']): PlanSummary => ({
  id,
  version: 1,
  title: { zh, en: id },
  summary: { zh, en: id },
  incidentTypes,
  minSeverity,
  sourceFile: `${id}.yaml`,
  stepCount: 1,
});

const plan = (id: string, triggers: Plan['triggers']): Plan => ({ id, triggers }) as Plan;

describe('plan matching', () => {
  it('offers only plans for the incident type, those whose severity threshold it reaches first', () => {
    const plans = [
      summary('minor-bridge', '乙 桥梁小事', ['bridge-strain'], 'minor'),
      summary('gas', '燃气', ['gas-concentration'], 'minor'),
      summary('critical-bridge', '甲 桥梁重大', ['bridge-strain', 'bridge-displacement'], 'critical'),
    ];
    expect(plansForIncident(plans, { type: 'bridge-strain', severity: 'major' }).map((p) => p.id)).toEqual(['minor-bridge', 'critical-bridge']);
    expect(plansForIncident(plans, { type: 'bridge-strain', severity: 'critical' }).map((p) => p.id)).toEqual(['critical-bridge', 'minor-bridge']);
    expect(plansForIncident(plans, { type: 'water-depth', severity: 'critical' })).toEqual([]);
  });

  it('proposes plans whose triggers the incident meets, by kind, grade and district', () => {
    const plans = [
      plan('any-grade', [{ sensorKind: 'bridge-strain', state: 'alarm' }]),
      plan('red-only', [{ sensorKind: 'bridge-strain', state: 'alarm', riskGrades: ['red'] }]),
      plan('yuzhong', [{ sensorKind: 'bridge-strain', state: 'warning', districts: ['500103'] }]),
      plan('other-kind', [{ sensorKind: 'water-depth', state: 'alarm' }]),
      plan('manual', []),
    ];
    const ids = (riskGrade: 'red' | 'blue' | null, districtAdcode: string) =>
      triggeredPlans(plans, { type: 'bridge-strain', riskGrade, districtAdcode }).map((p) => p.id);
    expect(ids('red', '500103')).toEqual(['any-grade', 'red-only', 'yuzhong']);
    expect(ids('blue', '500105')).toEqual(['any-grade']);
    expect(ids(null, '500105')).toEqual(['any-grade']);
  });
});
