import type { CoreContext, CoreFeature } from '../core-context.js';

/** The built city the windows draw: its basemap boundaries and where its data came from. */
export function cityFeature(ctx: CoreContext): CoreFeature<'city.basemap' | 'city.about'> {
  return {
    handlers: {
      'city.basemap': () => ctx.city.basemap(),
      'city.about': () => ctx.city.about(),
    },
  };
}
