/** The console core's clock port: the one clock of src/shared, which the window engines read too. */
export { systemClock, type Clock } from '../../../shared/clock/index.js';
