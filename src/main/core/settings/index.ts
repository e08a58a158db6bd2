export { SettingsRepository, consoleIdentity } from './settings-repository.js';
export { settingsFeature, type SettingsFeature } from './settings-feature.js';
