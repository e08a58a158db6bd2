import { buildCity, currentCity, DEFAULT_SEED } from '../../scripts/city/build-city.js';
import { MAP_TEST_CITY_COMPONENTS, TEST_CITY_COMPONENTS, mapTestCityDir, testCityDir } from './test-city.js';

/** Builds the test cities (a small one for most tests, a million components for the map) unless already built. */
export default async function setup(): Promise<void> {
  for (const [componentCount, outDir] of [
    [TEST_CITY_COMPONENTS, testCityDir()],
    [MAP_TEST_CITY_COMPONENTS, mapTestCityDir()],
  ] as const) {
    const request = { seed: DEFAULT_SEED, componentCount };
    if (await currentCity(outDir, request)) continue;
    await buildCity({ ...request, outDir });
  }
}
