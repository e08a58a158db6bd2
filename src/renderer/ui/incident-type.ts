import type { PlainMessageKey, Translate } from '../i18n/catalogue.js';

const labelOfType: Readonly<Record<string, PlainMessageKey>> = {
  'bridge-strain': 'incidentType.bridge-strain',
  'bridge-displacement': 'incidentType.bridge-displacement',
  'septic-methane': 'incidentType.septic-methane',
  'water-depth': 'incidentType.water-depth',
  'waterlogging': 'incidentType.waterlogging',
  'slope-displacement': 'incidentType.slope-displacement',
  'slope-collapse': 'incidentType.slope-collapse',
  'gas-concentration': 'incidentType.gas-concentration',
  'gas-leak': 'incidentType.gas-leak',
  'station-load': 'incidentType.station-load',
  'major-event': 'incidentType.major-event',
  'crowd-safety': 'incidentType.crowd-safety',
};

/**
 * An incident type in the operator's words. Plan files may name types of their own (any lower-case id): those show
 * as written until they get a label here.
 */
export function incidentTypeLabel(t: Translate, type: string): string {
  const key = labelOfType[type];
  return key === undefined ? type : t(key);
}
