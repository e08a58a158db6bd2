import { screen } from 'electron';
import type { OsDisplay } from '../../shared/wall/displays.js';

/** The displays attached now, as the settings screen draws them (callable only once the app is ready). */
export function osDisplays(): OsDisplay[] {
  const primaryId = screen.getPrimaryDisplay().id;
  return screen.getAllDisplays().map((display) => ({
    id: display.id,
    label: display.label === '' ? null : display.label,
    bounds: display.bounds,
    primary: display.id === primaryId,
    scaleFactor: display.scaleFactor,
  }));
}
