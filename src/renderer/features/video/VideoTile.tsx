import { useEffect, useRef, useState } from 'react';
import type { CameraStreams } from '../../../shared/domain/shared-state.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model.js';
import { beijingTime } from '../../ui/time-format.js';
import { HlsTilePlayer, type TilePlayback } from './hls-player.js';

/**
 * One camera on the wall: its sub-stream (the grid's quality) playing in a <video>, with its name, code and status.
 * The player lives as long as the tile shows this camera; a new camera gets a new player and the old one is disposed.
 */
export function VideoTile({ cameraId, name, detail }: { cameraId: string; name: string; detail: string }) {
  const t = useTranslation();
  const model = useAppModel();
  const video = useRef<HTMLVideoElement>(null);
  const [streams, setStreams] = useState<{ cameraId: string; value: CameraStreams | null; problem: string | null } | null>(null);
  const [playback, setPlayback] = useState<TilePlayback | null>(null);

  useEffect(() => {
    let cancelled = false;
    callHost(model.host.bridge, 'cameras.streams', { cameraId }).then(
      (value) => !cancelled && setStreams({ cameraId, value, problem: null }),
      (error: Error) => !cancelled && setStreams({ cameraId, value: null, problem: error.message }),
    );
    return () => {
      cancelled = true;
    };
  }, [model, cameraId]);

  const sub = streams?.cameraId === cameraId ? (streams.value?.streams.sub ?? null) : null;
  const url = sub?.kind === 'hls' ? sub.url : null;
  useEffect(() => {
    if (!url || !video.current) return;
    const player = new HlsTilePlayer(video.current, url, setPlayback);
    return () => {
      player.dispose();
      setPlayback(null);
    };
  }, [url]);

  const status = playback?.status ?? (streams?.problem ? 'offline' : 'connecting');
  const problem = streams?.problem ?? playback?.problem ?? null;
  return (
    <div className={`video-tile-player status-${status}`} data-status={status}>
      <video ref={video} muted playsInline />
      <div className="video-tile-caption">
        <span className="video-tile-name">{name}</span>
        <span className={`tile-status ${status}`}>{t(`video.status.${status}`)}</span>
      </div>
      <div className="video-tile-facts muted">
        {detail}
        {playback?.resolution && ` · ${playback.resolution.width}×${playback.resolution.height}`}
        {playback?.bitrate != null && ` · ${Math.round(playback.bitrate / 1000)} kbit/s`}
        {playback?.latencyS != null && ` · ${t('video.latency')} ${playback.latencyS} s`}
      </div>
      {(status === 'offline' || status === 'reconnecting' || status === 'stalled') && (
        <div className="video-tile-alert" role="status">
          {playback?.lastFrameAt ? `${t('video.lastFrame')} ${beijingTime(new Date(playback.lastFrameAt))}` : t('video.noFrameYet')}
          {problem && <span className="muted"> · {problem}</span>}
        </div>
      )}
    </div>
  );
}
