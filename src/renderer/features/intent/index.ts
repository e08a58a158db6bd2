export { actionGroups, actionList, actions, hostAllows, navigateToRole, type ActionGroup, type ActionId, type IntentState, type OperatorAction, type Unavailable } from './actions.js';
export { OperatorIntents } from './intents.js';
export { useProvidedAction } from './use-provided-action.js';
export { shortcutOf } from './shortcuts.js';
