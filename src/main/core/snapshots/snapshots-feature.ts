import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import type { CameraStreams } from '../../../shared/domain/shared-state.js';
import { principalName } from '../../../shared/identity/principal.js';
import type { CoreContext, CoreFeature } from '../core-context.js';
import { SnapshotRepository } from './snapshot-repository.js';

/** Stills an operator takes from a camera, kept within the quota; those of an open incident are never removed. */
export function snapshotsFeature(
  ctx: CoreContext,
  cameras: { streams(cameraId: string): Promise<CameraStreams> },
): CoreFeature<'snapshots.save' | 'snapshots.list' | 'snapshots.image'> {
  const snapshots = new SnapshotRepository(ctx.db, ctx.info.consoleId, ctx.logger.child('snapshots'));
  /** The backend's open incidents as last heard (null before): the stills linked to them are kept. */
  let openIncidentIds: ReadonlySet<string> | null = null;
  const incidentFeed = ctx.hub.on('incidents.changed', (incidents) => {
    openIncidentIds = new Set(incidents.filter((incident) => incident.state !== 'closed').map((incident) => incident.id));
  });
  return {
    handlers: {
      'snapshots.save': async (still, caller) => {
        // The window names the camera and the incident; what they are is the catalogue's and the backend's word.
        const camera = await cameras.streams(still.cameraId);
        if (still.incidentId !== null) await ctx.incident(still.incidentId);
        const saved = snapshots.save(still, camera, principalName(caller.principal), ctx.clock.now());
        snapshots.enforceQuota(ctx.settings.read().stillsQuotaMb * 1_048_576, openIncidentIds, saved.id);
        ctx.hub.emit('snapshots.saved', saved);
        return saved;
      },
      'snapshots.list': ({ incidentId, limit }) => snapshots.list(incidentId, limit),
      'snapshots.image': ({ id }) => {
        const jpeg = snapshots.jpeg(id);
        if (jpeg === null) throw new ApiFailure(apiError('not-found', `There is no snapshot ${id}.`));
        return { jpegBase64: jpeg.toString('base64') };
      },
    },
    dispose: () => incidentFeed.dispose(),
  };
}
