import { join } from 'node:path';

/** A small demo city (same real layers, 20,000 components) built once for the test runs by global-setup.ts. */
export const TEST_CITY_COMPONENTS = 20_000;

export function testCityDir(): string {
  return join(import.meta.dirname, '..', '..', '.tmp', 'test-city');
}
