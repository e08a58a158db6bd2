import { useEffect, useState, type DragEvent } from 'react';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { TileSchema } from './video-window-state.js';
import type { Tile } from './wall-slots.js';

/** The drag data type of a camera dragged from the list onto a tile. */
export const CAMERA_DRAG_TYPE = 'application/x-zhili-camera';
const LISTED = 50;

/** The camera a drop onto a tile carries, or null when it carries none. */
export function droppedCamera(event: DragEvent): Tile | null {
  try {
    // Checked: the data may come from another page or program.
    const parsed = TileSchema.safeParse(JSON.parse(event.dataTransfer.getData(CAMERA_DRAG_TYPE)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The catalogue's cameras, searched by name, code or id; each can be dragged onto a tile of the wall. */
export function CameraList() {
  const t = useTranslation();
  const model = useAppModel();
  const [text, setText] = useState('');
  const [found, setFound] = useState<{ text: string; tiles: Tile[] } | null>(null);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      callHost(model.host.bridge, 'cameras.search', { text, limit: LISTED }).then(
        (cameras) => !cancelled && setFound({ text, tiles: cameras.map((camera) => ({ id: camera.id, name: camera.name, detail: `${camera.code}${camera.ptz ? ' · PTZ' : ''}` })) }),
        () => !cancelled && setFound({ text, tiles: [] }),
      );
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [model, text]);

  return (
    <aside className="camera-list" aria-label={t('video.cameraList')}>
      <input type="search" value={text} placeholder={t('video.cameraSearch')} onChange={(event) => setText(event.target.value)} data-testid="camera-search" />
      <ul>
        {found?.tiles.map((tile) => (
          <li key={tile.id} draggable data-list-camera={tile.id} onDragStart={(event) => event.dataTransfer.setData(CAMERA_DRAG_TYPE, JSON.stringify(tile))}>
            <span>{tile.name}</span>
            <span className="muted">{tile.detail}</span>
          </li>
        ))}
      </ul>
    </aside>
  );
}
