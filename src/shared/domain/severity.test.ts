import { describe, expect, it } from 'vitest';
import { compareSeverity, severityReaches, type IncidentSeverity } from './severity.js';

describe('incident severity order', () => {
  it('orders severities from minor to critical', () => {
    const shuffled: IncidentSeverity[] = ['severe', 'minor', 'critical', 'major'];
    expect([...shuffled].sort(compareSeverity)).toEqual(['minor', 'major', 'severe', 'critical']);
    expect(compareSeverity('major', 'major')).toBe(0);
  });

  it('says whether a severity reaches a threshold, the threshold itself included', () => {
    expect(severityReaches('severe', 'severe')).toBe(true);
    expect(severityReaches('critical', 'severe')).toBe(true);
    expect(severityReaches('major', 'severe')).toBe(false);
  });
});
