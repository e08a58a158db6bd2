import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testCityDir } from '../../../../test/helpers/test-city.js';
import { CityManifestSchema, CrewsFileSchema, FleetFileSchema, RiskSitesFileSchema, SensorsFileSchema } from '../../../shared/city/index.js';
import {
  buildCatalogue,
  catalogueLayers,
  isLayerVisible,
  layersForScene,
  searchCatalogue,
  visibleKeysByFamily,
  withLayerVisible,
} from './catalogue.js';
import { initialMapLayersState, MapLayersStateSchema } from '../../../shared/map/map-layers-state.js';

// The catalogue is derived from a city's registers: the small test city the global set-up builds.
const cityDir = testCityDir();
const read = (file: string) => JSON.parse(readFileSync(join(cityDir, file), 'utf8')) as unknown;

describe('layer catalogue', () => {
  const city = {
    manifest: CityManifestSchema.parse(read('manifest.json')),
    riskSites: RiskSitesFileSchema.parse(read('risk-sites.json')),
    sensors: SensorsFileSchema.parse(read('sensors.json')),
    fleet: FleetFileSchema.parse(read('fleet.json')),
    crews: CrewsFileSchema.parse(read('crews.json')),
    componentCounts: new Map([['0112', 12_345]]),
  };
  const systems = buildCatalogue(city);
  const layers = catalogueLayers(systems);

  it('has one layer per subclass, site type, grade, sensor kind, vehicle type and crew speciality, with unique ids', () => {
    expect(new Set(layers.map((layer) => layer.id)).size).toBe(layers.length);
    expect(layers.filter((layer) => layer.family === 'components')).toHaveLength(46);
    expect(layers.filter((layer) => layer.family === 'sensors')).toHaveLength(city.sensors.kinds.length);
    expect(layers.find((layer) => layer.id === 'components:0112')?.count).toBe(12_345);
    expect(layers.find((layer) => layer.id === 'vehicles:sweeper')?.count).toBe(city.fleet.vehicles.filter((vehicle) => vehicle.type === 'sweeper').length);
  });

  it('finds layers by Chinese or English name, or by id, keeping their system and group', () => {
    const lamps = searchCatalogue(systems, '路灯');
    expect(lamps.map((system) => system.id)).toEqual(['components']);
    expect(lamps[0]?.groups.flatMap((group) => group.layers.map((layer) => layer.id))).toContain('components:0112');
    expect(searchCatalogue(systems, 'manhole').flatMap((system) => system.groups.flatMap((group) => group.layers)).length).toBeGreaterThan(5);
    expect(searchCatalogue(systems, 'risk-zones:red')[0]?.groups[0]?.layers.map((layer) => layer.id)).toEqual(['risk-zones:red']);
    expect(searchCatalogue(systems, 'no such layer')).toEqual([]);
    expect(searchCatalogue(systems, '  ')).toEqual(systems);
  });

  it('records only departures from the defaults, and tells each family which keys to draw', () => {
    const sweeper = layers.find((layer) => layer.id === 'vehicles:sweeper');
    const depots = layers.find((layer) => layer.id === 'depots');
    if (!sweeper || !depots) throw new Error('layers missing');
    expect(isLayerVisible(initialMapLayersState, depots)).toBe(false);
    let state = withLayerVisible(initialMapLayersState, [sweeper], false);
    state = withLayerVisible(state, [depots], true);
    expect(state.visibility).toEqual({ 'vehicles:sweeper': false, depots: true });
    expect(visibleKeysByFamily(systems, state).get('vehicles')?.has('sweeper')).toBe(false);
    expect(visibleKeysByFamily(systems, state).get('depots')).toEqual(new Set(['all']));
    state = withLayerVisible(state, [sweeper, depots], true);
    expect(state.visibility).toEqual({ depots: true });
    expect(MapLayersStateSchema.parse(state)).toEqual(state);
  });

  it('turns a scene’s layer list into a layer state: named families and keys on, the rest off, unknown ids ignored', () => {
    const previous = { ...initialMapLayersState, opacity: { components: 0.5 }, gridMeasure: 'alarms' as const };
    const state = layersForScene(systems, ['vehicles', 'sensors:water-depth', 'no-such-family'], previous);
    const shown = visibleKeysByFamily(systems, state);
    expect(shown.get('vehicles')).toEqual(new Set(city.fleet.vehicleTypes.map((type) => type.key)));
    expect(shown.get('sensors')).toEqual(new Set(['water-depth']));
    expect(shown.get('components')?.size).toBe(0);
    expect(shown.get('depots')?.size).toBe(0);
    expect(state.opacity).toEqual({ components: 0.5 });
    expect(state.gridMeasure).toBe('alarms');
  });
});
