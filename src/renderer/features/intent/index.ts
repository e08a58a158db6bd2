export { actionGroups, actionList, navigateToRole, shortcutTitle } from './actions.js';
export { OperatorIntents } from './intents.js';
export { useProvidedAction } from './use-provided-action.js';
