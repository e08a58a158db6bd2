import { describe, expect, it } from 'vitest';
import { MEDIA_URL_LIFETIME_MS, MediaUrlSigner, PLAYLIST_URL_LIFETIME_MS } from './signed-media-urls.js';

const at = (path: string) => new URL(path, 'http://127.0.0.1:7420');

describe('signed media URLs', () => {
  it('are valid for their path until they expire: playlists for a watch, other files for minutes', () => {
    let now = 1_800_000_000_000;
    const signer = new MediaUrlSigner(() => now);
    const playlist = signer.sign('/media/demo/cm000001-sub.m3u8');
    const segment = signer.sign('/media/demo/cm000001-sub/12.ts');
    expect(playlist).toMatch(/^\/media\/demo\/cm000001-sub\.m3u8\?expires=\d+&signature=[\w-]{43}$/);
    expect(signer.check(at(playlist))).toBe('valid');
    expect(signer.check(at(segment))).toBe('valid');
    now += MEDIA_URL_LIFETIME_MS;
    expect(signer.check(at(segment))).toBe('expired');
    expect(signer.check(at(playlist))).toBe('valid');
    now += PLAYLIST_URL_LIFETIME_MS;
    expect(signer.check(at(playlist))).toBe('expired');
  });

  it('refuse unsigned, tampered and other processes\' URLs as such', () => {
    const signer = new MediaUrlSigner();
    const signed = signer.sign('/media/demo/cm000001-sub.m3u8');
    expect(signer.check(at('/media/demo/cm000001-sub.m3u8'))).toBe('unsigned');
    expect(signer.check(at(signed.replace('cm000001', 'cm000002')))).toBe('forged');
    expect(signer.check(at(signed.replace(/expires=\d+/, 'expires=99999999999')))).toBe('forged');
    expect(signer.check(at(signed.replace(/signature=[\w-]+/, 'signature=')))).toBe('forged');
    expect(signer.check(at(`${signed.split('&')[0] as string}`))).toBe('forged');
    expect(signer.check(at(signed.replace(/expires=\d+/, 'expires=-1')))).toBe('forged');
    expect(new MediaUrlSigner().check(at(signed))).toBe('forged');
  });

  it('sign each relative URI of a playlist for the path a player resolves it to', () => {
    const signer = new MediaUrlSigner();
    const text = ['#EXTM3U', '#EXT-X-MAP:URI="init.mp4"', 'cm000001-sub/12.ts', 'low/index.m3u8', 'seg.ts?part=1', 'https://cdn.example/x.ts', ''].join('\n');
    const lines = signer.signPlaylist(text, '/media/demo/cm000001-sub.m3u8').split('\n');
    expect(lines[0]).toBe('#EXTM3U');
    expect(lines[5]).toBe('https://cdn.example/x.ts');
    const base = at('/media/demo/cm000001-sub.m3u8');
    const init = /URI="([^"]+)"/.exec(lines[1] as string)?.[1] as string;
    for (const uri of [init, lines[2], lines[3], lines[4]] as string[]) expect(signer.check(new URL(uri, base)), uri).toBe('valid');
    expect(lines[4]).toMatch(/^seg\.ts\?part=1&expires=/);
    // A URI signed for one path does not open another.
    expect(signer.check(new URL((lines[2] as string).replace('12.ts', '13.ts'), base))).toBe('forged');
  });
});
