import type { HostBridge } from '../../../shared/contract/api.js';
import type { CallKpis, CallRecord } from '../../../shared/dispatch/call-record.js';
import { partyOfCrew, type CallParty, type CallRequest } from '../../../shared/dispatch/call-request.js';
import { callProblem, type CallProblem } from '../../../shared/dispatch/call-problem.js';
import { DISPATCHER_USER_PREFIX } from '../../../shared/dispatch/sip-account.js';
import { callHost } from '../../bridge/host.js';
import { createStore, type Store } from '../../state/store.js';
import { recordOf, type CallView } from './call-state.js';
import { SipEngine } from './sip-engine.js';

export interface CallLogState {
  records: CallRecord[];
  kpis: CallKpis | null;
  /** The last call that could not be written to the log, or a request that could not be placed. */
  problem: CallProblem | null;
}

const LOG_SHOWN = 50;

/**
 * The dispatcher seat of this window: its SIP engine, the calls other windows ask it to place (the map's "call
 * nearest crew", a plan's call step), and the call log it writes. One window per console holds a seat at a time for
 * each request: the host hands a request to the first window that claims it.
 */
export class DispatcherSeat {
  readonly engine: SipEngine;
  readonly log: Store<CallLogState> = createStore<CallLogState>({ records: [], kpis: null, problem: null });
  private readonly disposers: (() => void)[] = [];
  /** Log writes in the order the calls changed, so a late "ringing" never overtakes "talking". */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bridge: HostBridge,
    private readonly operator: () => string,
  ) {
    this.engine = new SipEngine({
      account: () => callHost(bridge, 'dispatch.account', {}),
      onCallChanged: (call) => this.writeLog(call),
      identify: (user, displayName) => identifyUser(user, displayName, (extension) => crewInDirectory(bridge, extension)),
    });
    this.disposers.push(
      bridge.subscribe('calls.changed', ({ record, kpis }) =>
        this.log.update((state) => ({ ...state, kpis, records: [record, ...state.records.filter((entry) => entry.id !== record.id)].slice(0, LOG_SHOWN) })),
      ),
      bridge.subscribe('calls.requested', (request) => void this.onRequested(request)),
    );
  }

  async start(): Promise<void> {
    void this.refreshLog();
    await this.engine.start();
  }

  /** Places what a request asks: one call, or a group call when it names several parties. */
  place(request: Omit<CallRequest, 'requestId'>): string[] {
    const options = { media: request.media, priority: request.priority, incidentId: request.incidentId, runId: request.runId, drill: request.drill };
    if (request.parties.length === 1) return [this.engine.call(request.parties[0] as CallParty, options)];
    return this.engine.groupCall(request.parties, options).callIds;
  }

  async refreshLog(): Promise<void> {
    try {
      const [records, kpis] = await Promise.all([callHost(this.bridge, 'calls.log', { limit: LOG_SHOWN }), callHost(this.bridge, 'calls.kpis', {})]);
      this.log.update((state) => ({ ...state, records, kpis, problem: null }));
    } catch (error) {
      this.log.update((state) => ({ ...state, problem: callProblem('call-log-unavailable', (error as Error).message) }));
    }
  }

  async dispose(): Promise<void> {
    for (const dispose of this.disposers.splice(0)) dispose();
    await this.engine.dispose();
  }

  private async onRequested(request: CallRequest): Promise<void> {
    if (this.engine.state.get().registration !== 'registered') return;
    try {
      if (!(await callHost(this.bridge, 'calls.claim', { requestId: request.requestId }))) return;
      this.place(request);
    } catch (error) {
      this.log.update((state) => ({ ...state, problem: callProblem('call-request-failed', (error as Error).message) }));
    }
  }

  private writeLog(call: CallView): void {
    const record = recordOf(call, this.operator());
    this.writes = this.writes
      .then(() => callHost(this.bridge, 'calls.save', record))
      .catch((error: unknown) => this.log.update((state) => ({ ...state, problem: callProblem('call-log-failed', (error as Error).message) })));
  }
}

/**
 * Who a SIP user is: another dispatcher seat, a crew (`crewOf` looks its extension up: the console in its directory,
 * a crew terminal through the one method its credential allows), or just the number.
 */
export async function identifyUser(user: string, displayName: string | null, crewOf: (extension: string) => Promise<CallParty | null>): Promise<CallParty> {
  if (user.startsWith(DISPATCHER_USER_PREFIX)) return { user, name: displayName, crewId: null };
  if (/^\d{3,8}$/.test(user)) {
    const crew = await crewOf(user);
    if (crew) return crew;
  }
  return { user, name: displayName, crewId: null };
}

/** A crew by its SIP extension in the console's directory. */
async function crewInDirectory(bridge: HostBridge, extension: string): Promise<CallParty | null> {
  const crew = (await callHost(bridge, 'directory.crews', { text: extension, limit: 20 })).find((entry) => entry.sipExtension === extension);
  return crew ? partyOfCrew(crew) : null;
}
