import type { CoreContext, CoreFeature } from '../core-context.js';
import type { Outbox } from './outbox.js';
import { SyncService, type SyncTargets } from './sync-service.js';

/** Moves plans and runs between this console and the backend, each record exactly once (see SyncService). */
export function syncFeature(ctx: CoreContext, outbox: Outbox, targets: Omit<SyncTargets, 'statusChanged'>): CoreFeature<'sync.status'> {
  const sync = new SyncService(ctx.db, outbox, ctx.backend, ctx.info.consoleId, { ...targets, statusChanged: (status) => ctx.hub.emit('sync.status', status) }, ctx.logger.child('sync'), ctx.clock);
  return {
    handlers: { 'sync.status': () => sync.status() },
    dispose: () => sync.dispose(),
  };
}
