import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import { actorText, type CoreContext, type CoreFeature } from '../core-context.js';
import { MapViewRepository } from './map-view-repository.js';

/** Named map views an operator saves and every map window can recall. */
export function mapViewsFeature(ctx: CoreContext): CoreFeature<'mapViews.list' | 'mapViews.save' | 'mapViews.delete'> {
  const views = new MapViewRepository(ctx.db, ctx.logger.child('map-views'));
  const announce = () => {
    const list = views.list();
    ctx.hub.emit('mapViews.changed', list);
    return list;
  };
  return {
    handlers: {
      'mapViews.list': () => views.list(),
      'mapViews.save': ({ name, body }, caller) => {
        views.save(name, body, actorText(ctx.actorOf(caller)), ctx.clock.now());
        return announce();
      },
      'mapViews.delete': ({ name }) => {
        if (!views.delete(name)) throw new ApiFailure(apiError('not-found', `There is no map view named "${name}".`));
        return announce();
      },
    },
  };
}
