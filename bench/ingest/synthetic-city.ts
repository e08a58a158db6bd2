/**
 * A city of the size for the ingestion bench, in the files the backend reads at start (`loadFeedWorld` and the
 * camera catalogue), so that the bench runs the backend exactly as shipped: the small test city's registers, its
 * vehicles and sensors repeated under new ids up to the asked counts (their depots, sites and thresholds stay real
 * entries of that city), its crews and cameras as they are.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FleetFile, SensorsFile } from '../../src/shared/city/index.js';

export const vehicleId = (index: number) => `VH${String(index + 1).padStart(6, '0')}`;
export const sensorId = (index: number) => `SN${String(index + 1).padStart(6, '0')}`;

/** Writes the scaled city into `outDir`; returns each sensor's normal reading (the middle of its normal range), by index. */
export function writeSyntheticCity(fromDir: string, outDir: string, counts: { vehicles: number; sensors: number }): number[] {
  mkdirSync(outDir, { recursive: true });
  for (const file of ['crews.json', 'risk-sites.json', 'cameras.json']) copyFileSync(join(fromDir, file), join(outDir, file));
  const fleet = JSON.parse(readFileSync(join(fromDir, 'fleet.json'), 'utf8')) as FleetFile;
  const vehicles = Array.from({ length: counts.vehicles }, (_, index) => {
    const model = fleet.vehicles[index % fleet.vehicles.length] as FleetFile['vehicles'][number];
    return { ...model, id: vehicleId(index) };
  });
  writeFileSync(join(outDir, 'fleet.json'), JSON.stringify({ ...fleet, vehicles }));
  const sensorsFile = JSON.parse(readFileSync(join(fromDir, 'sensors.json'), 'utf8')) as SensorsFile;
  const sensors = Array.from({ length: counts.sensors }, (_, index) => {
    const model = sensorsFile.sensors[index % sensorsFile.sensors.length] as SensorsFile['sensors'][number];
    return { ...model, id: sensorId(index) };
  });
  writeFileSync(join(outDir, 'sensors.json'), JSON.stringify({ ...sensorsFile, sensors }));
  return sensors.map((sensor) => (sensor.normalRange[0] + sensor.normalRange[1]) / 2);
}
