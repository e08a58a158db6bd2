import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { rewritePlaylistUris } from './hls-relay.js';

/** What a segment URL (or any non-playlist file) is good for: a player fetches it seconds after the playlist named it. */
export const MEDIA_URL_LIFETIME_MS = 10 * 60_000;
/**
 * What a playlist URL is good for. hls.js re-fetches a live playlist at the very URL it was given every target
 * duration for as long as the tile plays, so that URL must outlast a watch; the segments it lists are signed afresh
 * on every fetch. A tile whose player starts over (a URL past this, a backend restarted with a new key) asks its
 * console for a newly signed URL, so a watch longer than this costs one restart of the player.
 */
export const PLAYLIST_URL_LIFETIME_MS = 12 * 3_600_000;

export type MediaUrlCheck = 'valid' | 'unsigned' | 'expired' | 'forged';

const BASE = 'http://backend.invalid';
const ABSOLUTE_URI = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

/**
 * Short-lived signed URLs for the backend's /media files: an HMAC-SHA256 over the path and the expiry, with a key made
 * at random when the process starts (a restart invalidates every URL handed out; players then ask again). A URL is
 * the whole credential here because a <video> element's player cannot add headers the way the console's socket does.
 */
export class MediaUrlSigner {
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => number = Date.now) {}

  /** `path` (under /media/) with `expires` and `signature` added. */
  sign(path: string): string {
    const url = new URL(path, BASE);
    url.search = this.signatureQuery(url.pathname);
    return `${url.pathname}${url.search}`;
  }

  check(url: URL): MediaUrlCheck {
    const expires = url.searchParams.get('expires');
    const signature = url.searchParams.get('signature');
    if (expires === null && signature === null) return 'unsigned';
    if (expires === null || signature === null || !/^\d{1,12}$/.test(expires)) return 'forged';
    const offered = Buffer.from(signature, 'base64url');
    const expected = this.mac(url.pathname, expires);
    if (offered.length !== expected.length || !timingSafeEqual(offered, expected)) return 'forged';
    return Number(expires) * 1000 <= this.now() ? 'expired' : 'valid';
  }

  /**
   * The playlist with every relative URI it names (segments, variant playlists, init sections, keys) signed for
   * itself, resolved against the playlist's path as a player resolves it; absolute URIs point elsewhere and stay.
   */
  signPlaylist(text: string, playlistPath: string): string {
    return rewritePlaylistUris(text, (uri) => {
      if (ABSOLUTE_URI.test(uri)) return uri;
      const resolved = new URL(uri, new URL(playlistPath, BASE));
      return `${uri}${uri.includes('?') ? '&' : '?'}${this.signatureQuery(resolved.pathname)}`;
    });
  }

  private signatureQuery(pathname: string): string {
    const lifetime = pathname.endsWith('.m3u8') ? PLAYLIST_URL_LIFETIME_MS : MEDIA_URL_LIFETIME_MS;
    const expires = String(Math.floor((this.now() + lifetime) / 1000));
    return `expires=${expires}&signature=${this.mac(pathname, expires).toString('base64url')}`;
  }

  private mac(pathname: string, expires: string): Buffer {
    return createHmac('sha256', this.key).update(`${pathname}\n${expires}`).digest();
  }
}
