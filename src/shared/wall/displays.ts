import { z } from 'zod';
import type { WallConfig } from './wall-config.js';

/** A rectangle in the OS's screen coordinates (no minimum size: it is what the OS reports, not what a user chose). */
export const DisplayRectSchema = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() });
export type DisplayRect = z.infer<typeof DisplayRectSchema>;

/** A display as the host sees it, with the wall screens (indexes into `wall.screens`) that open on it now. */
export const WallDisplaySchema = z.object({
  id: z.number().int(),
  /** The OS's name for it where it has one ("DELL U2720Q"); null for nominal displays. */
  label: z.string().nullable(),
  bounds: DisplayRectSchema,
  primary: z.boolean(),
  scaleFactor: z.number().positive(),
  screens: z.array(
    z.object({
      index: z.number().int().min(0),
      /** Configured for a display that is absent now; it stands in on the primary display until that returns. */
      displaced: z.boolean(),
    }),
  ),
});
export type WallDisplay = z.infer<typeof WallDisplaySchema>;

export const WallDisplaysSchema = z.object({
  /**
   * `os`: the displays attached to the Electron host's machine. `configured`: the web host cannot see the monitors of
   * the browsers that open its URLs, so it answers with one nominal display per configured screen.
   */
  source: z.enum(['os', 'configured']),
  displays: z.array(WallDisplaySchema),
});
export type WallDisplays = z.infer<typeof WallDisplaysSchema>;

/** An OS display before screens are assigned to it. */
export type OsDisplay = Omit<WallDisplay, 'screens'>;

/** A full-HD monitor: the nominal size of a wall screen the host cannot see. */
export const NOMINAL_DISPLAY = { width: 1920, height: 1080 } as const;

/**
 * Which configured screen opens on which display: its own display when present, else the primary one (the same rule
 * the Electron window manager places windows by).
 */
export function displaysWithScreens(wall: WallConfig, displays: readonly OsDisplay[]): WallDisplay[] {
  const primary = displays.find((display) => display.primary) ?? displays[0];
  const assigned = displays.map((display) => ({ ...display, screens: [] as WallDisplay['screens'] }));
  wall.screens.forEach((screen, index) => {
    const own = screen.displayId === null ? undefined : assigned.find((display) => display.id === screen.displayId);
    const target = own ?? assigned.find((display) => display.id === primary?.id);
    target?.screens.push({ index, displaced: screen.displayId !== null && own === undefined });
  });
  return assigned;
}

/** The web host's answer: one nominal display per configured screen, side by side in configuration order. */
export function nominalDisplays(wall: WallConfig): WallDisplay[] {
  return wall.screens.map((_, index) => ({
    id: index,
    label: null,
    bounds: { x: index * NOMINAL_DISPLAY.width, y: 0, ...NOMINAL_DISPLAY },
    primary: index === 0,
    scaleFactor: 1,
    screens: [{ index, displaced: false }],
  }));
}
