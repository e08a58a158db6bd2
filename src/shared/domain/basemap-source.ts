import { z } from 'zod';
import { httpOrigin } from '../security/content-security-policy.js';

const HTTP_TEMPLATE = /^https?:\/\/\S*\{z\}\S*$/;

/**
 * Where the map's base layer comes from. Offline (the default) draws the city build's districts and rivers with no
 * network at all; a customer's basemap is either a MapLibre style URL (vector or raster, their own glyphs and sprites)
 * or an XYZ raster tile template. The city's own overlays (district lines, names, streets) stay on top of either.
 */
export const BasemapSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('offline') }).strict(),
  z.object({ kind: z.literal('style'), url: z.string().regex(/^https?:\/\/\S+$/) }).strict(),
  z.object({ kind: z.literal('raster'), tiles: z.string().regex(HTTP_TEMPLATE) }).strict(),
]);
export type BasemapSource = z.infer<typeof BasemapSourceSchema>;

export const offlineBasemap: BasemapSource = { kind: 'offline' };

/** scheme, authority (host and port), path with query: the shared code runs where no URL class is typed. */
const HTTP_URL = /^(https?):\/\/([^/\s?#]+)(\/\S*)?$/;

/** Reads `--basemap` / ZHILI_BASEMAP: "offline", a style URL, or an XYZ template with {z}, {x} and {y}. */
export function parseBasemapSource(text: string): BasemapSource {
  const value = text.trim();
  if (value === '' || value === 'offline') return offlineBasemap;
  const url = HTTP_URL.exec(value);
  if (!url) throw new Error(`"${value}" is not "offline" or an http(s) URL`);
  const path = (url[3] ?? '').split(/[?#]/)[0] ?? '';
  if (path.endsWith('.pmtiles')) {
    throw new Error('PMTiles files are not read directly yet: serve the file from a tile server and give its style URL');
  }
  const template = ['{z}', '{x}', '{y}'].every((part) => value.includes(part));
  if (template) {
    if (/\.(pbf|mvt)$/.test(path)) {
      throw new Error('vector tiles need a style to be drawn: give the style URL of the tile server instead of its tile template');
    }
    return { kind: 'raster', tiles: value };
  }
  return { kind: 'style', url: value };
}

/** The origin the renderer must be allowed to fetch from (the CSP's connect-src and img-src), or null offline. */
export function basemapOrigin(source: BasemapSource): string | null {
  if (source.kind === 'offline') return null;
  return httpOrigin(source.kind === 'style' ? source.url : source.tiles);
}
