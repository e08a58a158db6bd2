import { buildCity, currentCity, DEFAULT_SEED } from '../../scripts/city/build-city.js';
import { TEST_CITY_COMPONENTS, testCityDir } from './test-city.js';

/** Builds the small test city unless an identical build is already there. */
export default async function setup(): Promise<void> {
  const request = { seed: DEFAULT_SEED, componentCount: TEST_CITY_COMPONENTS };
  if (await currentCity(testCityDir(), request)) return;
  await buildCity({ ...request, outDir: testCityDir() });
}
