import { roleFromPath, type Role } from '../../shared/domain/roles.js';
import { isTourPath, parseTourParams } from '../../shared/wall/tour.js';
import { isAppUrl } from './app-url.js';

/**
 * Only the dispatch window holds the dispatcher seat and places calls (the map and plans windows ask it to, by request
 * and claim), so only it may open the microphone and camera; every window of the app may go full screen on the wall.
 */
const MEDIA_ROLES: ReadonlySet<Role> = new Set(['dispatch']);

/** Whether a page at `url` may have `permission` (Electron's names: `media`, `fullscreen`, …). */
export function windowMayHave(url: string, permission: string): boolean {
  if (!isAppUrl(url)) return false;
  if (permission === 'fullscreen') return true;
  if (permission !== 'media') return false;
  const parsed = new URL(url);
  // A tour window shows its roles in turn, the dispatch screen among them when listed.
  if (isTourPath(parsed.pathname)) {
    const tour = parseTourParams([...parsed.searchParams.entries()]);
    return tour.ok && tour.roles.some((role) => MEDIA_ROLES.has(role));
  }
  const role = roleFromPath(parsed.pathname);
  return role !== null && MEDIA_ROLES.has(role);
}
