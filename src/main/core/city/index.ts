export { CityFiles } from './city-files.js';
export { cityFeature } from './city-feature.js';
