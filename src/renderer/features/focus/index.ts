export { IncidentPicker } from './IncidentPicker.js';
export { IncidentPlanLaunchers } from './IncidentPlanLaunchers.js';
export { useFocusedIncident } from './use-focused-incident.js';
