import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DemoStreams, liveDemoPlaylist } from './demo-hls.js';

const videoDir = join(import.meta.dirname, '..', '..', '..', 'resources', 'video', 'demo');

describe('demo cameras as live HLS', () => {
  it('slides a window of six one-second segments with the clock, numbered since the stream’s epoch', () => {
    const playlist = liveDemoPlaylist(8, 1_000_000_500);
    expect(playlist).toContain('#EXT-X-MEDIA-SEQUENCE:999995');
    expect(playlist.match(/^\d+\.ts$/gm)).toEqual(['999995.ts', '999996.ts', '999997.ts', '999998.ts', '999999.ts', '1000000.ts']);
    expect(liveDemoPlaylist(8, 1_000_001_000)).toContain('#EXT-X-MEDIA-SEQUENCE:999996');
    // A stream younger than the window starts at segment 0.
    expect(liveDemoPlaylist(8, 1_500).match(/^\d+\.ts$/gm)).toEqual(['0.ts', '1.ts']);
  });

  it('marks each return to the start of the clip as a discontinuity and counts those that slid out', () => {
    // Segments 12..17 of an 8-segment loop: 16 starts the third pass; two loop starts (0 and 8) lie before 12.
    const playlist = liveDemoPlaylist(8, 17_000);
    const lines = playlist.trim().split('\n');
    expect(lines[lines.indexOf('16.ts') - 2]).toBe('#EXT-X-DISCONTINUITY');
    expect(playlist.match(/#EXT-X-DISCONTINUITY$/gm)).toHaveLength(1);
    expect(playlist).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:2');
    // A window that starts on a loop start lists that discontinuity itself rather than counting it.
    const onStart = liveDemoPlaylist(8, 21_000);
    expect(onStart).toContain('#EXT-X-MEDIA-SEQUENCE:16');
    expect(onStart).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:2');
    expect(onStart.split('\n').slice(5, 7)).toEqual(['#EXT-X-DISCONTINUITY', '#EXTINF:1.000,']);
  });

  it('maps camera streams onto the committed clips and serves only segments that are live', () => {
    const streams = new DemoStreams(videoDir, 0);
    expect(streams.available).toBe(true);
    const now = 1_000_000_500;
    expect(streams.playlist('cm000001-sub', now)).toContain('\ncm000001-sub/1000000.ts\n');
    expect(streams.playlist('cm000001', now)).toBeNull();
    expect(streams.playlist('../etc-sub', now)).toBeNull();
    expect(streams.segmentFile('cm000005-main', 1_000_000, now)).toMatch(/clip-1[/\\]seg-000\.ts$/);
    expect(streams.segmentFile('cm000005-main', 1_000_001, now)).toBeNull();
    expect(streams.segmentFile('cm000005-main', 900_000, now)).toBeNull();
    expect(new DemoStreams(join(videoDir, 'missing')).available).toBe(false);
  });
});
