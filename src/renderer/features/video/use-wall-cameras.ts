import { useEffect, useState } from 'react';
import type { AlarmPopup, GroupCamera, NearbyCamera } from '../../../shared/domain/shared-state.js';
import type { CameraGroup } from '../../../shared/wall/scenes.js';
import { callHost } from '../../bridge/host.js';
import type { AppModel } from '../../state/app-model.js';
import type { Tile } from './wall-slots.js';

const NEAR_RADIUS_M = 3000;
/** An alarm pops up the cameras that can see it: those this close. */
const ALARM_RADIUS_M = 1000;

/**
 * The cameras the wall shows: the scene's group or those nearest the focused incident, `count` of them (a tour asks for
 * several pages at once). Null until the answer for this very source and count is in, so a late answer for an earlier
 * one is never shown; a window whose layout alone changed keeps the cameras it had meanwhile.
 */
export function useWallCameras(model: AppModel, focused: { id: string; position: readonly [number, number] } | null, group: CameraGroup | null, count: number): Tile[] | null {
  const sourceKey = focused ? `focus:${focused.id}` : group ? `group:${JSON.stringify(group)}` : null;
  const [fetched, setFetched] = useState<{ source: string; count: number; list: Tile[] } | null>(null);
  const [lng, lat] = focused?.position ?? [0, 0];
  useEffect(() => {
    if (sourceKey === null) return;
    let cancelled = false;
    const answer: Promise<Tile[]> = sourceKey.startsWith('focus:')
      ? callHost(model.host.bridge, 'cameras.near', { position: [lng, lat], count, radiusM: NEAR_RADIUS_M }).then((list) => list.map(nearTile))
      : callHost(model.host.bridge, 'cameras.group', { group: JSON.parse(sourceKey.slice('group:'.length)) as CameraGroup, count }).then((list) => list.map(groupTile));
    answer.then(
      (list) => !cancelled && setFetched({ source: sourceKey, count, list }),
      () => !cancelled && setFetched({ source: sourceKey, count, list: [] }),
    );
    return () => {
      cancelled = true;
    };
  }, [model, sourceKey, lng, lat, count]);
  if (fetched === null || fetched.source !== sourceKey) return null;
  return fetched.count === count ? fetched.list : fetched.list.slice(0, count);
}

/** The cameras nearest the wall's first waiting alarm, as many as its reserved tiles hold (null until known). */
export function useAlarmCameras(model: AppModel, alarm: AlarmPopup | null, reserved: number): { incidentId: string; cameras: Tile[] } | null {
  const alarmId = alarm?.incidentId ?? null;
  const [lng, lat] = alarm?.position ?? [0, 0];
  const [fetched, setFetched] = useState<{ key: string; list: Tile[] } | null>(null);
  useEffect(() => {
    if (alarmId === null) return;
    const key = `${alarmId}|${reserved}`;
    let cancelled = false;
    callHost(model.host.bridge, 'cameras.near', { position: [lng, lat], count: reserved, radiusM: ALARM_RADIUS_M }).then(
      (list) => !cancelled && setFetched({ key, list: list.map(nearTile) }),
      () => !cancelled && setFetched({ key, list: [] }),
    );
    return () => {
      cancelled = true;
    };
  }, [model, alarmId, lng, lat, reserved]);
  return alarmId !== null && fetched?.key === `${alarmId}|${reserved}` ? { incidentId: alarmId, cameras: fetched.list } : null;
}

function nearTile(camera: NearbyCamera): Tile {
  return { id: camera.id, name: camera.name, detail: `${camera.code} · ${camera.distanceM} m${camera.ptz ? ' · PTZ' : ''}` };
}

function groupTile(camera: GroupCamera): Tile {
  return { id: camera.id, name: camera.name, detail: `${camera.code} · ${camera.siteName}${camera.ptz ? ' · PTZ' : ''}` };
}
