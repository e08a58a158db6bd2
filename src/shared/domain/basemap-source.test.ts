import { describe, expect, it } from 'vitest';
import { basemapOrigin, parseBasemapSource } from './basemap-source.js';

describe('basemap source', () => {
  it('reads offline, a style URL and an XYZ raster template', () => {
    expect(parseBasemapSource('offline')).toEqual({ kind: 'offline' });
    expect(parseBasemapSource('')).toEqual({ kind: 'offline' });
    expect(parseBasemapSource('https://tiles.cq.gov.example/styles/dark/style.json')).toEqual({ kind: 'style', url: 'https://tiles.cq.gov.example/styles/dark/style.json' });
    expect(parseBasemapSource('http://10.1.2.3:8080/wmts/{z}/{x}/{y}.png')).toEqual({ kind: 'raster', tiles: 'http://10.1.2.3:8080/wmts/{z}/{x}/{y}.png' });
  });

  it('refuses what it cannot draw, saying what to give instead', () => {
    expect(() => parseBasemapSource('file:///srv/chongqing.pmtiles')).toThrow(/http/);
    expect(() => parseBasemapSource('https://tiles.example/chongqing.pmtiles')).toThrow(/PMTiles/);
    expect(() => parseBasemapSource('https://tiles.example/{z}/{x}/{y}.pbf')).toThrow(/style URL/);
    expect(() => parseBasemapSource('not a url')).toThrow(/not "offline"/);
  });

  it('names the origin the page must be allowed to reach', () => {
    expect(basemapOrigin({ kind: 'offline' })).toBeNull();
    expect(basemapOrigin({ kind: 'raster', tiles: 'http://10.1.2.3:8080/wmts/{z}/{x}/{y}.png' })).toBe('http://10.1.2.3:8080');
    expect(basemapOrigin({ kind: 'style', url: 'https://tiles.example/style.json' })).toBe('https://tiles.example');
  });
});
