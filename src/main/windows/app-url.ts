import { APP_HOST, APP_SCHEME } from '../../shared/contract/channels.js';
import type { Role } from '../../shared/domain/roles.js';

/** `screen`: the wall screen index, so the window restores its own saved state (the `?screen=` of a kiosk URL). */
export function appUrl(role: Role, screen?: number): string {
  return `${APP_SCHEME}://${APP_HOST}/${role}${screen === undefined ? '' : `?screen=${screen}`}`;
}

/** True only for our own renderer origin; navigation and IPC from anything else are refused. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}
