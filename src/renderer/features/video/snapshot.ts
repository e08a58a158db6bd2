import { SNAPSHOT_MAX_BYTES } from '../../../shared/media/snapshots.js';

/** JPEG qualities tried in turn, at full size then at half, until the still fits what one host message carries. */
const QUALITIES = [0.9, 0.8, 0.65, 0.5] as const;
const SCALES = [1, 0.5] as const;

/** The video has shown no frame yet, so there is nothing to take a still of (the tile says `video.noFrameYet`). */
export class NoFrameYetError extends Error {
  constructor() {
    super('No picture yet to take a still of.');
    this.name = 'NoFrameYetError';
  }
}

/**
 * The frame a <video> shows now, as a JPEG with `caption` (time, camera code and name) burnt into a bar along its
 * foot, so the still says where and when it was taken wherever it is copied to.
 */
export async function captureStill(video: HTMLVideoElement, caption: string): Promise<{ jpegBase64: string; width: number; height: number }> {
  if (video.videoWidth === 0 || video.videoHeight === 0) throw new NoFrameYetError();
  for (const scale of SCALES) {
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    const canvas = drawFrame(video, caption, width, height);
    for (const quality of QUALITIES) {
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
      if (blob === null) throw new Error('This window could not encode the still.');
      if (blob.size <= SNAPSHOT_MAX_BYTES) return { jpegBase64: base64(new Uint8Array(await blob.arrayBuffer())), width, height };
    }
  }
  throw new Error(`The still is larger than ${SNAPSHOT_MAX_BYTES} bytes even at half size and low quality.`);
}

function drawFrame(video: HTMLVideoElement, caption: string, width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('This window cannot draw a still (no 2D canvas).');
  context.drawImage(video, 0, 0, width, height);
  const fontPx = Math.max(12, Math.round(height / 24));
  const bar = Math.round(fontPx * 1.6);
  context.fillStyle = 'rgba(0, 0, 0, 0.6)';
  context.fillRect(0, height - bar, width, bar);
  context.fillStyle = '#ffffff';
  context.font = `${fontPx}px "Noto Sans CJK SC", "Noto Sans SC", sans-serif`;
  context.textBaseline = 'middle';
  context.fillText(caption, Math.round(fontPx / 2), height - bar / 2, width - fontPx);
  return canvas;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let index = 0; index < bytes.length; index += chunk) binary += String.fromCharCode(...bytes.subarray(index, index + chunk));
  return btoa(binary);
}
