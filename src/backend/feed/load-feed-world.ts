import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { CrewsFileSchema, FleetFileSchema, RiskSitesFileSchema, SensorsFileSchema } from '../../shared/city/index.js';
import { StartupError, errorMessage } from '../../node/startup-error.js';
import type { FeedWorld } from './feed-world.js';

/** A file of the built city, checked against its schema; a missing or damaged one stops the backend at start. */
export function readCityFile<T>(cityDir: string, file: string, schema: z.ZodType<T>): T {
  const path = join(cityDir, file);
  try {
    return schema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new StartupError(`The city data file ${path} is missing or damaged (${errorMessage(error).slice(0, 200)}): run \`npm run build:data\`.`, {
      cause: error,
    });
  }
}

/** The registers the live feed simulates, read from the built city (all of it synthetic in the demo city). */
export function loadFeedWorld(cityDir: string): FeedWorld {
  const crews = readCityFile(cityDir, 'crews.json', CrewsFileSchema);
  const sensors = readCityFile(cityDir, 'sensors.json', SensorsFileSchema);
  const fleet = readCityFile(cityDir, 'fleet.json', FleetFileSchema);
  const sites = readCityFile(cityDir, 'risk-sites.json', RiskSitesFileSchema);

  const specialities = new Map(crews.specialities.map((entry) => [entry.key, { zh: entry.zh, en: entry.en }]));
  const kinds = new Map(sensors.kinds.map((entry) => [entry.key, entry]));
  const siteById = new Map(sites.sites.map((site) => [site.id, site]));
  const depotById = new Map(fleet.depots.map((depot) => [depot.id, depot]));

  return {
    synthetic: true,
    crews: crews.crews.map((crew) => ({
      id: crew.id,
      name: crew.name,
      speciality: crew.speciality,
      specialityLabel: specialities.get(crew.speciality) ?? { zh: crew.speciality, en: crew.speciality },
      leader: crew.leader,
      phone: crew.phone,
      sipExtension: crew.sipExtension,
      districtAdcode: crew.districtAdcode,
      base: crew.base,
      onDuty: crew.onDuty,
    })),
    sensors: sensors.sensors.map((sensor) => {
      const site = siteById.get(sensor.siteId);
      const kind = kinds.get(sensor.kind);
      const title = `${site?.name ?? sensor.name} ${kind?.zh ?? sensor.kind}告警`;
      return {
        id: sensor.id,
        kind: sensor.kind,
        incidentType: sensor.kind,
        title,
        drillTitle: `【演练】${title}`,
        position: sensor.position,
        districtAdcode: sensor.districtAdcode,
        // Transfer stations carry no risk grade of their own.
        riskGrade: site?.grade ?? null,
        normal: (sensor.normalRange[0] + sensor.normalRange[1]) / 2,
        warning: sensor.warning,
        alarm: sensor.alarm,
        compare: sensor.compare,
      };
    }),
    vehicles: fleet.vehicles.map((vehicle) => {
      const depot = depotById.get(vehicle.depotId);
      if (!depot) throw new StartupError(`Vehicle ${vehicle.id} in ${join(cityDir, 'fleet.json')} names an unknown depot: run \`npm run build:data\`.`);
      return { id: vehicle.id, depot: depot.position, districtAdcode: vehicle.districtAdcode };
    }),
  };
}
