import { componentDetail, type ComponentDetail } from '../../../shared/city/index.js';
import type { Incident } from '../../../shared/domain/feed.js';
import type { Language } from '../../../shared/domain/settings.js';
import type { PlainMessageKey } from '../../i18n/catalogue.js';
import type { CameraMarker } from './camera-markers.js';
import type { CityRegisters, LoadedComponentChunk } from './city-data.js';
import type { MapObjectRef } from './deck-layers.js';
import type { LiveCity } from './live-city.js';

/** A picked object in words: a title and labelled facts, in the operator's language. */
export interface ObjectDescription {
  readonly kind: MapObjectRef['kind'];
  readonly title: string;
  readonly facts: readonly (readonly [label: string, value: string])[];
}

export interface DescribeContext {
  readonly city: CityRegisters;
  readonly chunks: readonly LoadedComponentChunk[];
  readonly live: LiveCity;
  readonly incidents: readonly Incident[];
  readonly cameras: readonly CameraMarker[];
  readonly language: Language;
  readonly t: (key: PlainMessageKey) => string;
}


export function describeObject(ref: MapObjectRef, context: DescribeContext): ObjectDescription | null {
  const { city, language, t } = context;
  const named = (item: { zh: string; en: string }) => (language === 'zh-CN' ? item.zh : item.en);
  const districtName = (adcode: string) => city.streets.districts.find((district) => district.adcode === adcode)?.name ?? adcode;
  switch (ref.kind) {
    case 'component': {
      const detail = componentOf(ref, context);
      if (!detail) return null;
      return {
        kind: ref.kind,
        title: `${named(detail.subclass)} ${detail.code}`,
        facts: [
          [t('map.fact.code'), detail.code],
          [t('map.fact.class'), `${named(detail.majorClass)} / ${named(detail.subclass)}`],
          [t('map.fact.owner'), named(detail.owner)],
          [t('map.fact.status'), named(detail.status)],
          [t('map.fact.gridCell'), detail.gridCellCode ?? '—'],
          [t('map.fact.district'), districtName(detail.districtAdcode)],
        ],
      };
    }
    case 'grid-cell': {
      const sidecar = city.gridSidecar;
      const code = sidecar.codes[ref.index];
      if (code === undefined) return null;
      const adcode = sidecar.districts[sidecar.districtIndex[ref.index] ?? -1] ?? '';
      const streetCode = sidecar.streets[sidecar.streetIndex[ref.index] ?? -1] ?? '';
      const street = city.streets.districts.flatMap((district) => district.streets).find((candidate) => candidate.code === streetCode);
      return {
        kind: ref.kind,
        title: `${t('map.object.gridCell')} ${code}`,
        facts: [
          [t('map.fact.code'), code],
          [t('map.fact.district'), districtName(adcode)],
          [t('map.fact.street'), street?.name ?? streetCode],
          [t('map.fact.area'), `${Math.round((sidecar.areaM2[ref.index] ?? 0) / 100) / 100} ${t('map.unit.hectare')}`],
        ],
      };
    }
    case 'sensor': {
      const sensor = city.sensors.sensors[ref.index];
      if (!sensor) return null;
      const kind = city.sensors.kinds.find((candidate) => candidate.key === sensor.kind);
      const value = context.live.sensorValue(ref.index);
      return {
        kind: ref.kind,
        title: sensor.name,
        facts: [
          [t('map.fact.code'), sensor.id],
          [t('map.fact.kind'), kind ? named(kind) : sensor.kind],
          [t('map.fact.state'), t(`sensor.state.${context.live.sensorState(ref.index)}`)],
          [t('map.fact.reading'), value === null ? t('map.fact.notConnected') : `${value} ${sensor.unit}`],
          [t('map.fact.thresholds'), `${sensor.warning} / ${sensor.alarm} ${sensor.unit}`],
          [t('map.fact.site'), sensor.siteId],
        ],
      };
    }
    case 'risk-site': {
      const site = city.riskSites.sites[ref.index];
      if (!site) return null;
      const type = city.riskSites.types.find((candidate) => candidate.key === site.type);
      const grade = city.riskSites.grades.find((candidate) => candidate.key === site.grade);
      return {
        kind: ref.kind,
        title: site.name,
        facts: [
          [t('map.fact.code'), site.id],
          [t('map.fact.kind'), type ? named(type) : site.type],
          [t('map.fact.grade'), grade ? named(grade) : site.grade],
          [t('map.fact.district'), districtName(site.districtAdcode)],
          ...(site.approximate ? [[t('map.fact.approximate'), t('map.fact.yes')] as const] : []),
        ],
      };
    }
    case 'vehicle': {
      const vehicle = city.fleet.vehicles[ref.index];
      if (!vehicle) return null;
      const type = city.fleet.vehicleTypes.find((candidate) => candidate.key === vehicle.type);
      return {
        kind: ref.kind,
        title: `${type ? named(type) : vehicle.type} ${vehicle.plate}`,
        facts: [
          [t('map.fact.plate'), vehicle.plate],
          [t('map.fact.kind'), type ? named(type) : vehicle.type],
          [t('map.fact.energy'), t(`energy.${vehicle.energy}`)],
          [t('map.fact.payload'), `${vehicle.payloadTonnes} t`],
          [t('map.fact.district'), districtName(vehicle.districtAdcode)],
        ],
      };
    }
    case 'crew': {
      const crew = city.crews.crews[ref.index];
      if (!crew) return null;
      const speciality = city.crews.specialities.find((candidate) => candidate.key === crew.speciality);
      return {
        kind: ref.kind,
        title: crew.name,
        facts: [
          [t('map.fact.kind'), speciality ? named(speciality) : crew.speciality],
          [t('map.fact.leader'), crew.leader],
          [t('map.fact.members'), String(crew.memberCount)],
          [t('map.fact.extension'), crew.sipExtension],
          [t('map.fact.duty'), crew.onDuty ? t('map.fact.yes') : t('map.fact.no')],
          [t('map.fact.district'), districtName(crew.districtAdcode)],
        ],
      };
    }
    case 'incident': {
      const incident = context.incidents.find((candidate) => candidate.id === ref.id);
      if (!incident) return null;
      return {
        kind: ref.kind,
        title: incident.title,
        facts: [
          [t('map.fact.code'), incident.id],
          [t('map.fact.severity'), t(`severity.${incident.severity}`)],
          [t('map.fact.state'), t(`incident.state.${incident.state}`)],
          [t('map.fact.district'), districtName(incident.districtAdcode)],
          [t('map.fact.source'), t(`incident.source.${incident.source}`)],
          ...(incident.externalId ? [[t('map.fact.externalId'), incident.externalId] as const] : []),
          ...(incident.drillId ? [[t('map.fact.drill'), incident.drillId] as const] : []),
        ],
      };
    }
    case 'camera': {
      const camera = context.cameras.find((candidate) => candidate.id === ref.id);
      if (!camera) return null;
      return {
        kind: ref.kind,
        title: camera.name,
        facts: [
          [t('map.fact.code'), camera.code],
          [t('map.fact.ptz'), camera.ptz ? t('map.fact.yes') : t('map.fact.no')],
          [t('map.fact.district'), camera.districtAdcode === null ? '—' : districtName(camera.districtAdcode)],
        ],
      };
    }
    case 'transfer-station': {
      const station = city.fleet.transferStations[ref.index];
      if (!station) return null;
      return {
        kind: ref.kind,
        title: station.name,
        facts: [
          [t('map.fact.code'), station.id],
          [t('map.fact.capacity'), `${station.capacityTonnesPerDay} t/d`],
          [t('map.fact.district'), districtName(station.districtAdcode)],
        ],
      };
    }
  }
}

export function componentOf(ref: Extract<MapObjectRef, { kind: 'component' }>, context: Pick<DescribeContext, 'chunks' | 'city'>): ComponentDetail | null {
  const loaded = context.chunks.find((candidate) => candidate.entry.index === ref.chunk);
  if (!loaded || ref.index < 0 || ref.index >= loaded.chunk.header.count) return null;
  return componentDetail(loaded.chunk, ref.index, context.city.gridSidecar);
}
