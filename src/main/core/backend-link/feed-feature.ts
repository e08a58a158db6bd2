import type { CoreContext, CoreFeature } from '../core-context.js';

/**
 * What the backend knows and the console only passes on: its link, the live feed, the incidents, the crew directory,
 * and what its ingestion has received.
 */
export function feedFeature(
  ctx: CoreContext,
): CoreFeature<'backend.status' | 'feed.summary' | 'sensors.abnormal' | 'sensors.history' | 'incidents.list' | 'incidents.report' | 'directory.crews' | 'ingest.stats'> {
  const { backend } = ctx;
  return {
    handlers: {
      'backend.status': () => backend.getStatus(),
      'feed.summary': () => backend.getSummary(),
      'sensors.abnormal': () => backend.call('sensors:abnormal', null),
      'sensors.history': ({ sensorId }) => backend.call('sensors:history', sensorId),
      'incidents.list': () => backend.call('incidents:list', null),
      'incidents.report': async (report, caller) => {
        const registered = await backend.call('incidents:register', report);
        ctx.audit(caller, 'incident registered', { incidentId: registered.id });
        return registered;
      },
      'directory.crews': (query) => backend.call('directory:crews', query),
      'ingest.stats': () => backend.call('ingest:stats', null),
    },
  };
}
