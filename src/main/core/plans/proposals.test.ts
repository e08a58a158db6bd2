import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../shared/domain/feed.js';
import { parsePlanFile } from '../../../shared/plans/plan-file.js';
import { ManualClock } from '../../../../test/helpers/manual-clock.js';
import { ProposalService } from './proposals.js';

const planFile = join(import.meta.dirname, '..', '..', '..', '..', 'plans', 'gas-leak.yaml');
const parsed = parsePlanFile('gas-leak.yaml', readFileSync(planFile, 'utf8'));
if (!parsed.ok) throw new Error(`plans/gas-leak.yaml does not parse: ${JSON.stringify(parsed.problems)}`);
const plan = parsed.plan;

const incident = (id: string, state: Incident['state'] = 'reported'): Incident => ({
  id,
  type: 'gas-concentration',
  title: `燃气浓度告警 ${id}`,
  severity: 'critical',
  state,
  position: [106.58, 29.56],
  districtAdcode: '500103',
  riskGrade: 'red',
  sensorId: null,
  reportedAt: '2026-11-27T08:00:00.000Z',
  updatedAt: '2026-11-27T08:00:00.000Z',
  synthetic: true,
  drillId: null,
  source: 'sensor',
  externalId: null,
});

describe('trigger proposals', () => {
  it('keeps a dismissal while its incident is open, and forgets it once the incident closes or leaves the list', () => {
    const proposals = new ProposalService(() => [plan], () => new Set(), () => undefined, new ManualClock());
    proposals.incidentsChanged([incident('A'), incident('B')]);
    expect(proposals.list().map((proposal) => proposal.incidentId)).toEqual(['A', 'B']);
    proposals.dismiss('A', plan.id);
    proposals.dismiss('B', plan.id);
    proposals.incidentsChanged([incident('A'), incident('B')]);
    expect(proposals.list()).toEqual([]);
    expect(proposals.dismissals).toBe(2);
    // Over a day of incidents, the dismissals stay as few as the open incidents.
    for (let n = 0; n < 1000; n++) {
      proposals.incidentsChanged([incident('A'), incident('B', 'closed'), incident(`N${n}`)]);
      proposals.dismiss(`N${n}`, plan.id);
    }
    expect(proposals.dismissals).toBe(2);
    expect(proposals.list()).toEqual([]);
  });
});
