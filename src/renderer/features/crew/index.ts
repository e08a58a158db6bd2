export { CrewTerminal } from './CrewTerminal.js';
