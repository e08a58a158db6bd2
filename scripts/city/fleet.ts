/**
 * Synthetic sanitation fleet: about 1,500 vehicles (sweepers, compactors, sprinklers, kitchen-waste trucks) with
 * synthetic 渝A plates, kept at about 120 depots, and about 60 garbage transfer stations. Everything is shared out over
 * districts by their urban (grid) area; depots and stations stand in the outer, larger cells of each town, where
 * such yards are built.
 */
import {
  CITY_FORMAT_VERSION,
  createRandom,
  deriveSeed,
  FleetFileSchema,
  type Depot,
  type FleetFile,
  type TransferStation,
  type Vehicle,
  type VehicleType,
} from '../../src/shared/city/index.js';
import { cellSampler, type CityContext, nearCellCentre, shareByCells, streetOfCell } from './context.js';
import { plate, shortDistrictName } from './names.js';

export const VEHICLE_TYPES = [
  { key: 'sweeper', zh: '洗扫车', en: 'Road sweeper' },
  { key: 'compactor', zh: '压缩式垃圾车', en: 'Compactor truck' },
  { key: 'sprinkler', zh: '洒水车', en: 'Sprinkler truck' },
  { key: 'kitchen-waste', zh: '餐厨垃圾车', en: 'Kitchen-waste truck' },
] as const satisfies readonly { key: VehicleType; zh: string; en: string }[];

const VEHICLES = 1500;
const DEPOTS = 120;
const TRANSFER_STATIONS = 60;
const TYPE_SHARE = [0.3, 0.35, 0.2, 0.15] as const;
const PAYLOAD_RANGE: Readonly<Record<VehicleType, readonly [number, number]>> = {
  sweeper: [4, 8],
  compactor: [8, 15],
  sprinkler: [10, 20],
  'kitchen-waste': [5, 8],
};

export function buildFleet(ctx: CityContext): FleetFile {
  const random = createRandom(deriveSeed(ctx.seed, 'fleet'));
  const outskirts = (c: number): number => (ctx.grid.areaM2[c] as number) * ((ctx.grid.size[c] as number) >= 200 ? 4 : 1);

  const depots: Depot[] = [];
  const transferStations: TransferStation[] = [];
  const stationNames = new Map<string, number>();
  const depotShare = shareByCells(ctx, DEPOTS, 1);
  const stationShare = shareByCells(ctx, TRANSFER_STATIONS, 1);
  ctx.districts.features.forEach((feature, d) => {
    const from = ctx.grid.districtStart[d] as number;
    const to = ctx.grid.districtStart[d + 1] as number;
    if (from === to) return;
    const pick = cellSampler(ctx, outskirts, from, to);
    const short = shortDistrictName(feature.properties.name);
    for (let n = 1; n <= (depotShare[d] ?? 0); n++) {
      depots.push({
        id: `DP${String(depots.length + 1).padStart(6, '0')}`,
        name: `${short}环卫停保场${n}号`,
        position: nearCellCentre(ctx, pick(random), random, 10),
        districtAdcode: feature.properties.adcode,
        capacity: 10 + 5 * random.int(7),
      });
    }
    for (let n = 0; n < (stationShare[d] ?? 0); n++) {
      const cell = pick(random);
      const street = streetOfCell(ctx, cell);
      const sameStreet = (stationNames.get(street.code) ?? 0) + 1;
      stationNames.set(street.code, sameStreet);
      transferStations.push({
        id: `TS${String(transferStations.length + 1).padStart(6, '0')}`,
        name: `${street.name}垃圾转运站${sameStreet > 1 ? `（${sameStreet}）` : ''}`,
        position: nearCellCentre(ctx, cell, random, 10),
        districtAdcode: feature.properties.adcode,
        streetCode: street.code,
        capacityTonnesPerDay: 50 * (2 + random.int(9)),
      });
    }
  });

  const vehicles: Vehicle[] = [];
  const plates = new Set<string>();
  const vehicleShare = shareByCells(ctx, VEHICLES);
  ctx.districts.features.forEach((feature, d) => {
    const own = depots.filter((depot) => depot.districtAdcode === feature.properties.adcode);
    for (let n = 0; n < (vehicleShare[d] ?? 0); n++) {
      const type = VEHICLE_TYPES[random.weighted(TYPE_SHARE)]?.key ?? 'compactor';
      const energy = random.weighted([0.45, 0.4, 0.15]);
      let number = plate(random, energy === 0);
      while (plates.has(number)) number = plate(random, energy === 0);
      plates.add(number);
      const [low, high] = PAYLOAD_RANGE[type];
      const depot = random.pick(own);
      vehicles.push({
        id: `VH${String(vehicles.length + 1).padStart(6, '0')}`,
        plate: number,
        type,
        districtAdcode: feature.properties.adcode,
        depotId: depot.id,
        energy: (['electric', 'diesel', 'natural-gas'] as const)[energy] ?? 'diesel',
        payloadTonnes: Math.round(random.range(low, high) * 2) / 2,
        gpsDeviceId: `BD${String(random.int(1e10)).padStart(10, '0')}`,
      });
    }
  });

  return FleetFileSchema.parse({
    formatVersion: CITY_FORMAT_VERSION,
    seed: ctx.seed,
    vehicleTypes: VEHICLE_TYPES,
    depots,
    transferStations,
    vehicles,
  });
}
