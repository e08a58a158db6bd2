import { buildCity, currentCity, DEFAULT_SEED } from '../../scripts/city/build-city.js';
import { MAP_TEST_CITY_COMPONENTS, TEST_CITY_COMPONENTS, mapTestCityDir, testCityDir } from './test-city.js';

/** Builds a test city of this many components into `outDir`, unless the one there is already that build. */
export async function ensureTestCity(componentCount: number, outDir: string): Promise<void> {
  const request = { seed: DEFAULT_SEED, componentCount };
  if (await currentCity(outDir, request)) return;
  await buildCity({ ...request, outDir });
}

/** Builds the test cities (a small one for most tests, a million components for the map) unless already built. */
export default async function setup(): Promise<void> {
  await ensureTestCity(TEST_CITY_COMPONENTS, testCityDir());
  await ensureTestCity(MAP_TEST_CITY_COMPONENTS, mapTestCityDir());
}
