export { KpiBar } from './KpiBar.js';
