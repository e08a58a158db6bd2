import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every demo segment lasts exactly this long (scripts/video/make-demo-clips.sh cuts them so). */
export const DEMO_SEGMENT_SECONDS = 1;
/** Segments a live playlist lists: a player starts about this far behind live, so it is kept short. */
const PLAYLIST_WINDOW = 6;

/**
 * A looping clip as a live HLS playlist `nowMs` after the stream's epoch: media sequence numbers count whole segments
 * since then. The epoch is the backend's start, not 1970: hls.js keeps per-discontinuity state indexed by number, and
 * with sequence numbers in the billions it stalled after its first fragment (measured here). Sequence n plays clip segment n mod `loopLength`; each
 * return to the clip's first segment is a discontinuity (its timestamps start again), counted by
 * EXT-X-DISCONTINUITY-SEQUENCE for the ones that have slid out of the window.
 */
export function liveDemoPlaylist(loopLength: number, nowMs: number, segmentPrefix = ''): string {
  const newest = Math.floor(nowMs / 1000 / DEMO_SEGMENT_SECONDS);
  // A stream younger than the window lists what it has.
  const first = Math.max(0, newest - PLAYLIST_WINDOW + 1);
  // Discontinuities before `first`: one at every loop start (0, loopLength, 2 loopLength …) strictly before it; one
  // falling on `first` is listed below, ahead of that segment.
  const passed = first > 0 ? Math.floor((first - 1) / loopLength) + 1 : 0;
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${DEMO_SEGMENT_SECONDS}`,
    `#EXT-X-MEDIA-SEQUENCE:${first}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${passed}`,
  ];
  for (let sequence = first; sequence <= newest; sequence++) {
    if (sequence % loopLength === 0) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXTINF:${DEMO_SEGMENT_SECONDS.toFixed(3)},`, `${segmentPrefix}${sequence}.ts`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The demo cameras' streams: the committed clips under resources/video/demo, each camera's stream name mapped to one
 * of them, served as live HLS. A real deployment points the cameras at its own media servers instead.
 */
export class DemoStreams {
  private readonly clips: { dir: string; segments: number }[];

  constructor(
    videoDir: string,
    /** Sequence numbers count from here: small numbers (players index per-discontinuity state by them). */
    private readonly epochMs: number = Date.now(),
  ) {
    this.clips = existsSync(videoDir)
      ? readdirSync(videoDir)
          .filter((name) => /^clip-\d+$/.test(name))
          .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
          .map((name) => ({ dir: join(videoDir, name), segments: readdirSync(join(videoDir, name)).filter((file) => /^seg-\d{3}\.ts$/.test(file)).length }))
          .filter((clip) => clip.segments > 0)
      : [];
  }

  get available(): boolean {
    return this.clips.length > 0;
  }

  /** Camera stream names are `cm<6 digits>-main|sub`; the camera's number picks the clip. */
  private clipOf(stream: string): { dir: string; segments: number } | null {
    const match = /^cm(\d{6})-(main|sub)$/.exec(stream);
    if (!match || this.clips.length === 0) return null;
    return this.clips[Number(match[1]) % this.clips.length] ?? null;
  }

  playlist(stream: string, nowMs: number): string | null {
    const clip = this.clipOf(stream);
    // Segment URIs resolve against the playlist's URL (…/<stream>.m3u8), so they name the stream's folder.
    return clip ? liveDemoPlaylist(clip.segments, nowMs - this.epochMs, `${stream}/`) : null;
  }

  /** The file behind live segment `sequence`, or null for an unknown stream or a segment not yet (or no longer) live. */
  segmentFile(stream: string, sequence: number, nowMs: number): string | null {
    const clip = this.clipOf(stream);
    const newest = Math.floor((nowMs - this.epochMs) / 1000 / DEMO_SEGMENT_SECONDS);
    if (!clip || !Number.isInteger(sequence) || sequence > newest || sequence < newest - 30) return null;
    return join(clip.dir, `seg-${String(sequence % clip.segments).padStart(3, '0')}.ts`);
  }
}
