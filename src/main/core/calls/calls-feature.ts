import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import { sipUri } from '../../../shared/dispatch/sip-account.js';
import { principalName } from '../../../shared/identity/principal.js';
import type { CoreContext, CoreFeature } from '../core-context.js';
import { CallLogRepository } from './call-log-repository.js';
import { DispatchService } from './dispatch-service.js';

type CallMethods =
  | 'dispatch.account'
  | 'dispatch.groups'
  | 'dispatch.resolveTarget'
  | 'calls.request'
  | 'calls.claim'
  | 'calls.save'
  | 'calls.log'
  | 'calls.kpis'
  | 'crewTerminal.account'
  | 'crewTerminal.identify'
  | 'crewTerminal.report';

/**
 * Dispatch: the SIP accounts of dispatcher seats and crew terminals, plan targets resolved to crews, call requests
 * between windows and the call log. The calls themselves run in the windows' SIP engine.
 */
export function callsFeature(ctx: CoreContext): CoreFeature<CallMethods> {
  const { backend, logger } = ctx;
  const callLog = new CallLogRepository(ctx.db, logger.child('calls'));
  const callsLeftOpen = callLog.closeOpen();
  if (callsLeftOpen > 0) logger.warn('calls left open by the last run closed', { count: callsLeftOpen });
  const calls = new DispatchService({
    log: callLog,
    crews: () => backend.call('directory:crews', { limit: 1000 }),
    groups: () => ctx.city.crewGroups(),
    incident: (incidentId) => ctx.incident(incidentId),
    drillRoster: () => ctx.settings.read().drillRoster,
    emit: (event, payload) => ctx.hub.emit(event, payload),
    clock: ctx.clock,
    logger: logger.child('calls'),
  });
  const requireSipServer = () => {
    if (backend.sipServer().info !== null) return;
    throw new ApiFailure(apiError('unavailable', backend.sipServer().unavailableReason ?? 'The SIP server is not known yet: the backend is not connected.'));
  };
  return {
    handlers: {
      'dispatch.account': async (_params, caller) => {
        requireSipServer();
        return backend.call('sip:account', { kind: 'dispatcher', displayName: principalName(caller.principal) });
      },
      'dispatch.groups': () => [...ctx.city.crewGroups()],
      'dispatch.resolveTarget': ({ target, incidentId, drill }) => calls.resolve(target, incidentId, drill),
      'calls.request': (request, caller) => {
        ctx.audit(caller, 'call requested', { requestId: request.requestId, parties: request.parties.map((party) => party.user) });
        return calls.request(request);
      },
      'calls.claim': ({ requestId }, caller) => calls.claim(requestId, caller.clientId),
      // The log names the signed-in user who placed the call, whatever the window wrote.
      'calls.save': (record, caller) => calls.save({ ...record, operator: principalName(caller.principal) }),
      'calls.log': ({ limit }) => calls.log(limit),
      'calls.kpis': () => calls.kpis(),
      'crewTerminal.account': async ({ crewId }, caller) => {
        requireSipServer();
        const crew = (await backend.call('directory:crews', { text: crewId, limit: 5 })).find((entry) => entry.id === crewId);
        if (!crew) throw new ApiFailure(apiError('not-found', `No crew ${crewId} in the directory.`));
        const account = await backend.call('sip:account', { kind: 'crew', crewId });
        logger.info('crew terminal signed in', { crewId, uri: sipUri(account.user, account.domain), window: caller.clientId.slice(0, 8) });
        return { account, crew };
      },
      'crewTerminal.identify': async ({ user }) => {
        const crew = (await backend.call('directory:crews', { text: user, limit: 20 })).find((entry) => entry.sipExtension === user);
        return crew ? { user, name: crew.name, crewId: crew.id } : null;
      },
      'crewTerminal.report': (report) => backend.call('crews:report', report),
    },
  };
}
