import type { Clock } from '../clock/index.js';
import type { ApiEventPayload } from '../../../shared/contract/api.js';
import type { CrewGroup } from '../../../shared/city/schemas.js';
import { callKpis, type CallKpis, type CallRecord } from '../../../shared/dispatch/call-record.js';
import type { CallRequest, ResolvedTarget } from '../../../shared/dispatch/call-request.js';
import type { Crew } from '../../../shared/domain/directory.js';
import type { Incident } from '../../../shared/domain/feed.js';
import type { PlanTarget } from '../../../shared/plans/plan-schema.js';
import type { Logger } from '../../../node/logger.js';
import { RequestClaims } from '../api/index.js';
import type { CallLogRepository } from './call-log-repository.js';
import { resolveTarget } from './resolve-target.js';

export interface DispatchServicePorts {
  log: CallLogRepository;
  crews(): Promise<Crew[]>;
  groups(): readonly CrewGroup[];
  incident(incidentId: string): Promise<Incident>;
  drillRoster(): readonly string[];
  /** Delivers an event to the windows subscribed to it; returns how many got it. */
  emit<E extends 'calls.requested' | 'calls.changed'>(event: E, payload: ApiEventPayload<E>): number;
  clock: Clock;
  logger: Logger;
}

const BEIJING_OFFSET_MS = 8 * 3600_000;

/**
 * The console's side of dispatch: the call log and its figures, plan targets resolved to crews, and call requests
 * from windows that do not hold the dispatcher seat. Calls themselves live in the renderer's SIP engine (media needs
 * the browser); this service only keeps what must outlive a window.
 */
export class DispatchService {
  private readonly claims: RequestClaims;

  constructor(private readonly ports: DispatchServicePorts) {
    this.claims = new RequestClaims('call request', ports.clock);
  }

  save(record: CallRecord): CallRecord {
    const stored = this.ports.log.save(record, this.ports.clock.now());
    this.ports.emit('calls.changed', { record: stored, kpis: this.kpis() });
    if (stored.outcome === 'failed' || stored.outcome === 'missed') this.ports.logger.warn('call not connected', { id: stored.id, outcome: stored.outcome, problem: stored.problem });
    return stored;
  }

  log(limit: number): CallRecord[] {
    return this.ports.log.recent(limit);
  }

  /** Since the start of today in Beijing time, where the centre's shifts count. */
  kpis(): CallKpis {
    const now = this.ports.clock.now().getTime();
    const dayStart = Math.floor((now + BEIJING_OFFSET_MS) / 86_400_000) * 86_400_000 - BEIJING_OFFSET_MS;
    return callKpis(this.ports.log.since(new Date(dayStart)), new Date(dayStart));
  }

  async resolve(target: PlanTarget, incidentId: string | null, drill: boolean): Promise<ResolvedTarget> {
    const found = incidentId === null ? null : await this.ports.incident(incidentId);
    return resolveTarget(target, {
      crews: await this.ports.crews(),
      groups: this.ports.groups(),
      incident: found && { position: found.position, districtAdcode: found.districtAdcode },
      drillRoster: drill ? new Set(this.ports.drillRoster()) : null,
    });
  }

  request(request: CallRequest): { delivered: number } {
    this.claims.open(request.requestId);
    return { delivered: this.ports.emit('calls.requested', request) };
  }

  /** The first window to claim a request places the call; a second claim (another seat window) is told no. */
  claim(requestId: string, clientId: string): boolean {
    return this.claims.claim(requestId, clientId);
  }
}
