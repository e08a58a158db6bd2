import { useEffect, useRef, useState } from 'react';
import type { CameraStreams } from '../../../shared/domain/shared-state.js';
import { callHost } from '../../bridge/host.js';
import { useTranslation } from '../../i18n/use-translation.js';
import { useAppModel } from '../../state/app-model-context.js';
import { beijingDateTime, beijingTime } from '../../ui/time-format.js';
import { useFocusedIncident } from '../focus/index.js';
import { PtzPad } from './PtzPad.js';
import { captureStill, NoFrameYetError } from './snapshot.js';
import type { PlayableStream, StreamQuality } from '../../../shared/media/cameras.js';
import { HlsTilePlayer } from './hls-player.js';
import type { SfuClient } from './sfu-client.js';
import type { TilePlayback, TilePlayer } from './tile-player.js';
import { WebRtcTilePlayer } from './webrtc-player.js';

/** How long the word that a still was saved (or why not) stays on the tile. */
const STILL_NOTICE_MS = 4000;

/**
 * One camera on the wall: its sub-stream in a grid, its main stream on a tile of its own, playing in a <video> over HLS
 * or WebRTC as the catalogue says, with its name, code and status. The player lives as long as the tile shows this stream; a new camera
 * gets a new player and the old one is disposed.
 */
export function VideoTile({
  cameraId,
  name,
  detail,
  sfu,
  quality,
  incidentId = null,
}: {
  cameraId: string;
  name: string;
  detail: string;
  sfu: SfuClient;
  quality: StreamQuality;
  /** The incident a still of this tile documents (an alarm's tile: the alarm's; otherwise the focused one). */
  incidentId?: string | null;
}) {
  const t = useTranslation();
  const model = useAppModel();
  const focused = useFocusedIncident();
  const [still, setStill] = useState<{ text: string; failed: boolean } | null>(null);
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

  const stream = streams?.cameraId === cameraId ? (streams.value?.streams[quality] ?? null) : null;
  const streamKey = stream === null ? null : JSON.stringify(stream);
  useEffect(() => {
    if (streamKey === null || !video.current) return;
    // A signed HLS URL expires: a player that starts over asks the console for this stream again.
    const freshUrl = async () => {
      const fresh = (await callHost(model.host.bridge, 'cameras.streams', { cameraId })).streams[quality];
      if (fresh.kind !== 'hls') throw new Error('the stream is no longer HLS');
      return fresh.url;
    };
    const player = startPlayer(JSON.parse(streamKey) as PlayableStream, video.current, sfu, setPlayback, freshUrl);
    return () => {
      player.dispose();
      setPlayback(null);
    };
  }, [streamKey, sfu, model, cameraId, quality]);

  useEffect(() => {
    if (still === null) return;
    const timer = setTimeout(() => setStill(null), STILL_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [still]);
  const camera = streams?.cameraId === cameraId ? streams.value : null;
  const takeStill = () => {
    if (!video.current || camera === null) return;
    const linked = incidentId ?? focused?.id ?? null;
    const capturedAt = new Date();
    captureStill(video.current, `${beijingDateTime(capturedAt)}  ${camera.code}  ${camera.name}`)
      .then((image) => callHost(model.host.bridge, 'snapshots.save', { cameraId, incidentId: linked, capturedAt: capturedAt.toISOString(), ...image }))
      .then(
        (saved) => setStill({ text: saved.incidentId ? `${t('video.stillSaved')} · ${saved.incidentId}` : t('video.stillSaved'), failed: false }),
        (error: Error) => setStill({ text: `${t('video.stillFailed')}: ${error instanceof NoFrameYetError ? t('video.noFrameYet') : error.message}`, failed: true }),
      );
  };

  const status = playback?.status ?? (streams?.problem ? 'offline' : 'connecting');
  const problem = streams?.problem ?? playback?.problem ?? null;
  return (
    <div className={`video-tile-player status-${status}`} data-status={status} data-quality={quality} data-stream={stream?.kind === 'hls' ? stream.url : stream?.streamId}>
      <video ref={video} muted playsInline />
      <div className="video-tile-caption">
        <span className="video-tile-name">{name}</span>
        <span className="video-tile-tools">
          <button type="button" className="video-still" data-testid="video-still" title={t('video.still')} disabled={status !== 'live' && status !== 'stalled'} onClick={takeStill} onDoubleClick={(event) => event.stopPropagation()}>
            {t('video.still')}
          </button>
          <span className={`tile-status ${status}`}>{t(`video.status.${status}`)}</span>
        </span>
      </div>
      {still && (
        <div className={`video-still-notice${still.failed ? ' failed' : ''}`} role="status" data-testid="video-still-notice" data-failed={still.failed}>
          {still.text}
        </div>
      )}
      {quality === 'main' && camera?.ptz && <PtzPad cameraId={cameraId} />}
      <div className="video-tile-facts muted">
        {detail}
        {playback?.resolution && ` · ${playback.resolution.width}×${playback.resolution.height}`}
        {playback?.bitrate != null && ` · ${Math.round(playback.bitrate / 1000)} kbit/s`}
        {playback?.latencyS != null && ` · ${t('video.latency')} ${playback.latencyS} s`}
        {playback?.rttMs != null && ` · RTT ${playback.rttMs} ms`}
        {playback?.jitterMs != null && ` · ${t('video.jitter')} ${playback.jitterMs} ms`}
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

function startPlayer(
  stream: PlayableStream,
  video: HTMLVideoElement,
  sfu: SfuClient,
  onChange: (playback: TilePlayback) => void,
  freshUrl: () => Promise<string>,
): TilePlayer {
  return stream.kind === 'hls' ? new HlsTilePlayer(video, stream.url, onChange, freshUrl) : new WebRtcTilePlayer(video, stream.streamId, sfu, onChange);
}
