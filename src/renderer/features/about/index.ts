export { AboutDialog } from './AboutDialog.js';
