import { describe, expect, it } from 'vitest';
import type { Crew } from '../../../shared/domain/directory.js';
import { resolveTarget, type TargetContext } from './resolve-target.js';

function crew(id: string, patch: Partial<Crew> = {}): Crew {
  return {
    id,
    name: `班组${id}`,
    speciality: 'sanitation',
    specialityLabel: { zh: '环卫作业', en: 'Sanitation' },
    leader: '张三',
    phone: '10000000000',
    sipExtension: `6${id.slice(-3)}`,
    districtAdcode: '500103',
    status: 'available',
    position: [106.58, 29.56],
    positionAt: null,
    synthetic: true,
    ...patch,
  };
}

const crews = [
  crew('CR0001', { position: [106.58, 29.56] }),
  crew('CR0002', { position: [106.59, 29.56], status: 'busy' }),
  crew('CR0003', { position: [106.6, 29.56] }),
  crew('CR0004', { position: [106.61, 29.56], status: 'off-duty' }),
  crew('CR0005', { position: [106.7, 29.56], speciality: 'grid-patrol', districtAdcode: '500105' }),
];
const context: TargetContext = {
  crews,
  groups: [{ id: 'GR001', name: '渝中区一线班组', kind: 'district', key: '500103', sipExtension: '8001', crewIds: ['CR0001', 'CR0003', 'CR0004'] }],
  incident: { position: [106.58, 29.56], districtAdcode: '500103' },
  drillRoster: null,
};
const ids = (list: readonly { id: string }[]) => list.map((entry) => entry.id);

describe('resolveTarget', () => {
  it('takes the nearest crews that may be called, listing nearer ones left out and why', () => {
    const resolved = resolveTarget({ nearest: { count: 2 } }, context);
    expect(ids(resolved.crews)).toEqual(['CR0001', 'CR0003']);
    expect(resolved.left).toEqual([{ crewId: 'CR0002', name: '班组CR0002', reason: 'busy' }]);
    expect(ids(resolveTarget({ nearest: { count: 3, withinKm: 2.5 } }, context).crews)).toEqual(['CR0001', 'CR0003']);
    expect(ids(resolveTarget({ nearest: { count: 1, speciality: 'grid-patrol' } }, context).crews)).toEqual(['CR0005']);
  });

  it('calls a group without its members off duty, and the incident district as a group', () => {
    expect(ids(resolveTarget({ group: 'GR001' }, context).crews)).toEqual(['CR0001', 'CR0003']);
    expect(ids(resolveTarget({ group: 'district:incident' }, context).crews)).toEqual(['CR0001', 'CR0002', 'CR0003']);
    expect(ids(resolveTarget({ group: 'speciality:grid-patrol' }, context).crews)).toEqual(['CR0005']);
    expect(resolveTarget({ group: 'GR999' }, context).unsupported).toMatch(/GR999/);
  });

  it('rings only the drill roster in a drill', () => {
    const drill = { ...context, drillRoster: new Set(['CR0003']) };
    const resolved = resolveTarget({ group: 'GR001' }, drill);
    expect(ids(resolved.crews)).toEqual(['CR0003']);
    expect(resolved.left).toContainEqual({ crewId: 'CR0001', name: '班组CR0001', reason: 'not-on-drill-roster' });
    expect(resolveTarget({ crew: 'CR0001' }, drill).crews).toEqual([]);
  });

  it('leaves centre roles and nearest-without-incident to the operator', () => {
    expect(resolveTarget({ role: 'duty-officer' }, context).unsupported).not.toBeNull();
    expect(resolveTarget({ nearest: { count: 1 } }, { ...context, incident: null }).unsupported).not.toBeNull();
  });
});
