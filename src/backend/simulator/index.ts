/** The demo city's devices and crews: an ordinary source that publishes through ingestion as real devices do. */
export { CitySimulator, DEMO_SIMULATOR_SEED, type SimulatedMessage } from './city-simulator.js';
export { SimulatedCaseWork } from './simulated-case-work.js';
