import { join } from 'node:path';

/** A small demo city (same real layers, 20,000 components) built once for the test runs by global-setup.ts. */
export const TEST_CITY_COMPONENTS = 20_000;

export function testCityDir(): string {
  return join(import.meta.dirname, '..', '..', '.tmp', 'test-city');
}

/** The map's end-to-end test draws a city of a million components, the size the issue asks to see rendered. */
export const MAP_TEST_CITY_COMPONENTS = 1_000_000;

export function mapTestCityDir(): string {
  return join(import.meta.dirname, '..', '..', '.tmp', 'test-city-1m');
}
