import { describe, expect, it } from 'vitest';
import type { LngLat } from '../domain/geo.js';
import { nearestCrews, type CrewCandidate } from './nearest-crews.js';

const incident: LngLat = [106.58, 29.56];
/** A crew `km` kilometres north of the incident (one degree of latitude is about 111.2 km). */
const crew = (id: string, km: number | null, status: CrewCandidate['status'] = 'available'): CrewCandidate => ({
  id,
  status,
  position: km === null ? null : [incident[0], incident[1] + km / 111.195],
});
const ids = (entries: { crew: CrewCandidate }[]) => entries.map((entry) => entry.crew.id);

describe('nearestCrews', () => {
  it('ranks crews by distance from the incident, nearest first, and gives the distance', () => {
    const { chosen } = nearestCrews([crew('c', 3), crew('a', 1), crew('b', 2)], { from: incident, count: 5 });
    expect(ids(chosen)).toEqual(['a', 'b', 'c']);
    expect(chosen[0]?.distanceMetres).toBeCloseTo(1000, -1);
  });

  it('chooses only crews on duty and not busy, and says why nearer ones were passed over', () => {
    const result = nearestCrews([crew('off', 1, 'off-duty'), crew('busy', 2, 'busy'), crew('free', 3), crew('far', 4)], { from: incident, count: 1 });
    expect(ids(result.chosen)).toEqual(['free']);
    expect(result.passedOver.map((entry) => [entry.crew.id, entry.reason])).toEqual([
      ['off', 'off-duty'],
      ['busy', 'busy'],
    ]);
  });

  it('stops at the limit and lists nobody beyond the last crew chosen', () => {
    const result = nearestCrews([crew('a', 1), crew('b', 2), crew('c', 3, 'off-duty'), crew('d', 4)], { from: incident, count: 2 });
    expect(ids(result.chosen)).toEqual(['a', 'b']);
    expect(result.passedOver).toEqual([]);
    expect(nearestCrews([crew('a', 1)], { from: incident, count: 0 }).chosen).toEqual([]);
  });

  it('breaks equal distances by crew id, whatever order the crews come in', () => {
    const tied = [crew('k', 2), crew('b', 2), crew('x', 2)];
    expect(ids(nearestCrews(tied, { from: incident, count: 3 }).chosen)).toEqual(['b', 'k', 'x']);
    expect(ids(nearestCrews([...tied].reverse(), { from: incident, count: 3 }).chosen)).toEqual(['b', 'k', 'x']);
  });

  it('leaves out crews without a position or beyond the range', () => {
    const result = nearestCrews([crew('nowhere', null), crew('near', 1), crew('far', 30)], { from: incident, count: 3, withinMetres: 10_000 });
    expect(ids(result.chosen)).toEqual(['near']);
    expect(result.passedOver).toEqual([]);
  });

  it('passes over a crew the caller excludes, with the caller’s reason', () => {
    const roster = new Set(['b']);
    const result = nearestCrews([crew('a', 1), crew('b', 2)], { from: incident, count: 1, exclude: (candidate) => (roster.has(candidate.id) ? null : 'not-on-drill-roster') });
    expect(ids(result.chosen)).toEqual(['b']);
    expect(result.passedOver.map((entry) => [entry.crew.id, entry.reason])).toEqual([['a', 'not-on-drill-roster']]);
  });
});
