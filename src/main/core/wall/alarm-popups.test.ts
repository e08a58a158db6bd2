import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../shared/domain/feed.js';
import { AlarmPopups } from './alarm-popups.js';

const now = new Date('2026-11-27T08:00:00.000Z');
const incident = (id: string, severity: Incident['severity'], reportedAt: string, state: Incident['state'] = 'reported'): Incident => ({
  id,
  type: 'bridge-strain',
  title: `事件 ${id}`,
  severity,
  state,
  position: [106.58, 29.56],
  districtAdcode: '500103',
  riskGrade: 'red',
  sensorId: null,
  reportedAt,
  updatedAt: reportedAt,
  synthetic: true,
  drillId: null,
  source: 'sensor',
  externalId: null,
});

describe('alarm pop-ups', () => {
  it('pops up new severe and critical incidents, the most severe first and then the oldest, but not old news or minor ones', () => {
    const popups = new AlarmPopups();
    const list = [
      incident('A', 'severe', '2026-11-27T07:59:00.000Z'),
      incident('B', 'critical', '2026-11-27T07:59:30.000Z'),
      incident('C', 'critical', '2026-11-27T07:59:10.000Z'),
      incident('D', 'major', '2026-11-27T07:59:50.000Z'),
      incident('E', 'critical', '2026-11-27T07:40:00.000Z'),
    ];
    expect(popups.incidentsChanged(list, now)).toBe(true);
    expect(popups.list().map((alarm) => alarm.incidentId)).toEqual(['C', 'B', 'A']);
    // The same list again changes nothing; a newer critical one queues behind the older ones.
    expect(popups.incidentsChanged(list, now)).toBe(false);
    popups.incidentsChanged([...list, incident('F', 'critical', '2026-11-27T07:59:59.000Z')], now);
    expect(popups.list().map((alarm) => alarm.incidentId)).toEqual(['C', 'B', 'F', 'A']);
  });

  it('lets an alarm go when the operator handles it or its incident closes, and never pops it up again', () => {
    const popups = new AlarmPopups();
    const list = [incident('A', 'critical', '2026-11-27T07:59:00.000Z'), incident('B', 'severe', '2026-11-27T07:59:10.000Z')];
    popups.incidentsChanged(list, now);
    expect(popups.acknowledge('A')).toBe(true);
    expect(popups.acknowledge('A')).toBe(false);
    expect(popups.incidentsChanged(list, now)).toBe(false);
    expect(popups.list().map((alarm) => alarm.incidentId)).toEqual(['B']);
    expect(popups.incidentsChanged([list[0] as Incident, incident('B', 'severe', '2026-11-27T07:59:10.000Z', 'closed')], now)).toBe(true);
    expect(popups.list()).toEqual([]);
  });

  it('remembers only the incidents the backend still lists, over a day of them', () => {
    const popups = new AlarmPopups();
    let list: Incident[] = [];
    for (let minute = 0; minute < 24 * 60; minute++) {
      const at = new Date(now.getTime() + minute * 60_000);
      // The backend's list: the newest 250 (older closed ones pruned).
      list = [incident(`I${minute}`, 'critical', at.toISOString()), ...list].slice(0, 250);
      popups.incidentsChanged(list, at);
      popups.acknowledge(`I${minute}`);
    }
    expect(popups.remembered).toBe(250);
    expect(popups.list()).toEqual([]);
  });
});
