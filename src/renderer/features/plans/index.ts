export { initialPlansState, withRunView } from './plans-state.js';
export type { PlansState } from './plans-state.js';
export { PlansView } from './PlansView.js';
export { RunConsole } from './RunConsole.js';
