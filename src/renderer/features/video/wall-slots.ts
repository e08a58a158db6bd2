/** A camera as a tile shows it: its id, name and a line of detail (code, distance or site, PTZ). */
export type Tile = { id: string; name: string; detail: string };

/** What one position of the grid shows. */
export type WallSlot = { kind: 'camera'; tile: Tile } | { kind: 'alarm'; tile: Tile; incidentId: string } | { kind: 'free' };

/**
 * The grid's positions, in reading order: the wall's cameras, free positions after them, and an alarm's cameras on the
 * reserved positions at the end (the last row), over whatever was there; the cameras underneath come back when the
 * alarm is handled, since they are only covered, never replaced.
 */
export function wallSlots(cameras: readonly (Tile | undefined)[], layout: number, alarm: { incidentId: string; cameras: readonly Tile[] } | null): WallSlot[] {
  const slots: WallSlot[] = Array.from({ length: layout }, (_, index) => {
    const tile = cameras[index];
    return tile ? { kind: 'camera', tile } : { kind: 'free' };
  });
  const popped = alarm?.cameras.slice(0, reservedTiles(layout)) ?? [];
  popped.forEach((tile, index) => {
    slots[layout - popped.length + index] = { kind: 'alarm', tile, incidentId: alarm?.incidentId ?? '' };
  });
  return slots;
}

/** Positions an alarm may take: the last row (one tile on a single-tile wall). */
export function reservedTiles(layout: number): number {
  return Math.round(Math.sqrt(layout));
}

/** The wall's cameras with those the operator placed by hand (position -> camera) over them. */
export function withPlaced(cameras: readonly Tile[], layout: number, placed: Readonly<Record<number, Tile>>): (Tile | undefined)[] {
  return Array.from({ length: layout }, (_, index) => placed[index] ?? cameras[index]);
}

/** Pages of cameras a tour shows in turn, at most this many (the wall asks for that many layouts of cameras). */
export const TOUR_MAX_PAGES = 4;

/** Page `page` (counting on past the last, round again) of `cameras` split into layouts, and how many pages there are. */
export function tourPage(cameras: readonly Tile[], layout: number, page: number): { cameras: Tile[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(cameras.length / layout));
  const current = ((page % pages) + pages) % pages;
  return { cameras: cameras.slice(current * layout, (current + 1) * layout), page: current, pages };
}
