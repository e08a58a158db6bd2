import mapshaper from 'mapshaper';
import type { FeatureCollection, Geometry } from 'geojson';

/**
 * Runs a mapshaper command line on in-memory GeoJSON inputs (file name -> object) and returns its one GeoJSON output;
 * coordinates come out rounded to 6 decimals (about 0.1 m).
 */
export async function mapshaperRun<P, G extends Geometry>(commands: string, input: Record<string, unknown>): Promise<FeatureCollection<G, P>> {
  const output = await mapshaper.applyCommands(
    `${commands} -o format=geojson geojson-type=FeatureCollection precision=0.000001 out.json`,
    input,
  );
  const content = output['out.json'];
  if (content === undefined) throw new Error(`mapshaper produced no output for: ${commands}`);
  return JSON.parse(typeof content === 'string' ? content : Buffer.from(content).toString('utf8')) as FeatureCollection<G, P>;
}
