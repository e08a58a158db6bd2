/**
 * Where both hosts serve the city build's files (manifest, grid, component chunks) to the map as they are on disk:
 * binary columns travel as bytes over HTTP or the app scheme, never through the JSON contract.
 */
export const CITY_FILES_PATH = '/city/';
