import { describe, expect, it } from 'vitest';
import { playlistWithQuery } from './hls-relay.js';

describe('the HLS relay', () => {
  it('adds the token to every relative URI of a playlist, and leaves absolute ones and tags alone', () => {
    const playlist = [
      '#EXTM3U',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXTINF:1.000,',
      'seg-00001.ts',
      '#EXTINF:1.000,',
      'seg-00002.ts?part=1',
      'https://cdn.example/seg-00003.ts',
      '',
    ].join('\n');
    expect(playlistWithQuery(playlist, '?token=abc').split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-MAP:URI="init.mp4?token=abc"',
      '#EXTINF:1.000,',
      'seg-00001.ts?token=abc',
      '#EXTINF:1.000,',
      'seg-00002.ts?part=1&token=abc',
      'https://cdn.example/seg-00003.ts',
      '',
    ]);
  });
});
