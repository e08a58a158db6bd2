import { roles } from './roles.js';
import { isTourPath } from '../wall/tour.js';

/** The crew terminal (`/crew?crew=CR0002`): a phone or tablet of a frontline crew, served by the console's host. */
export const CREW_TERMINAL_PATH = '/crew';

/** Paths both hosts answer with the renderer's page: the console root, a role, a tour, the crew terminal. */
export function isRendererPage(pathname: string): boolean {
  return pathname === '/' || pathname === CREW_TERMINAL_PATH || isTourPath(pathname) || (roles as readonly string[]).includes(pathname.slice(1));
}
