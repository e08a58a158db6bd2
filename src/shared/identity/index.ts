export * from './operator-roles.js';
export * from './principal.js';
export * from './accounts.js';
export * from './access.js';
export * from './run-permissions.js';
