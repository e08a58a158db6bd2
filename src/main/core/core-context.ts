import type { SqliteDatabase } from '../../node/sqlite.js';
import type { ApiMethodName } from '../../shared/contract/api.js';
import { ApiFailure, apiError } from '../../shared/contract/errors.js';
import type { HostInfo } from '../../shared/domain/host.js';
import type { Incident } from '../../shared/domain/feed.js';
import { principalName } from '../../shared/identity/principal.js';
import type { Actor } from '../../shared/plans/run-model.js';
import type { Logger } from '../../node/logger.js';
import type { ApiHandlers, Caller, EventHub } from './api/index.js';
import type { BackendLink } from './backend-link/backend-link.js';
import type { CityFiles } from './city/city-files.js';
import type { Clock } from './clock/index.js';
import type { SettingsRepository } from './settings/settings-repository.js';

/** How the wall and saved records name who acted when no operator did (start-up, a run's end). */
export const SYSTEM_ACTOR = 'system';

/** Who acted, as one text: the operator and their window, or the system. */
export function actorText(actor: Actor): string {
  return actor.kind === 'operator' ? `${actor.name} (${actor.window})` : SYSTEM_ACTOR;
}

/** What every feature of the console core is built on; the composition root makes one and hands it to each. */
export interface CoreContext {
  readonly clock: Clock;
  readonly db: SqliteDatabase;
  readonly hub: EventHub;
  readonly logger: Logger;
  readonly info: HostInfo;
  readonly settings: SettingsRepository;
  readonly backend: BackendLink;
  readonly city: CityFiles;
  /** Who did it, for runs, the wall and the logs: the signed-in user, never a name the window typed. */
  actorOf(caller: Caller): Actor;
  /** Records an operator's action in the audit trail (the `audit` log scope), with who did it from which window. */
  audit(caller: Caller, action: string, details?: Record<string, unknown>): void;
  /** The backend's incident by id; a `not-found` failure when it has none. */
  incident(incidentId: string): Promise<Incident>;
}

/** A feature's slice of the contract and what it holds open. */
export interface CoreFeature<M extends ApiMethodName> {
  readonly handlers: Pick<ApiHandlers, M>;
  dispose?(): void;
}

export function createCoreContext(parts: Omit<CoreContext, 'actorOf' | 'audit' | 'incident'>): CoreContext {
  const auditLog = parts.logger.child('audit');
  const actorOf = (caller: Caller): Actor => ({
    kind: 'operator',
    name: principalName(caller.principal),
    window: `${caller.role ?? 'window'}/${caller.clientId.slice(0, 8)}`,
  });
  return {
    ...parts,
    actorOf,
    audit: (caller, action, details = {}) => auditLog.info(action, { ...details, by: actorOf(caller) }),
    incident: async (incidentId) => {
      const found = (await parts.backend.call('incidents:list', null)).find((candidate) => candidate.id === incidentId);
      if (!found) throw new ApiFailure(apiError('not-found', `No incident "${incidentId}" at the backend.`));
      return found;
    },
  };
}
