import { existsSync } from 'node:fs';

/** Debian's ffmpeg, or the one ZHILI_FFMPEG names. */
export const FFMPEG_BIN = process.env.ZHILI_FFMPEG ?? '/usr/bin/ffmpeg';

export function ffmpegInstalled(): boolean {
  return existsSync(FFMPEG_BIN);
}

/** ffmpeg reading a live testsrc2 picture in real time (quiet, never reading its stdin). */
export function liveTestPictureInput(width: number, height: number, fps: number): string[] {
  return ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`];
}

/**
 * Encoding for live viewing: H.264 constrained baseline with zerolatency (what the SFU's router and every browser
 * take) or VP8 realtime, a keyframe every second and none on scene cuts, so a new viewer waits at most a second.
 */
export function liveEncoderArgs(codec: 'H264' | 'VP8', fps: number, bitrate: string): string[] {
  const encoder =
    codec === 'H264'
      ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-sc_threshold', '0']
      : ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-error-resilient', '1'];
  return [...encoder, '-pix_fmt', 'yuv420p', '-g', String(fps), '-keyint_min', String(fps), '-b:v', bitrate];
}
