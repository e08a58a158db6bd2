export { SettingsView } from './SettingsView.js';
