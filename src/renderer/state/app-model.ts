import type { FeedSummary, Incident } from '../../shared/domain/feed.js';
import type { HostInfo } from '../../shared/domain/host.js';
import { defaultSettings, type Settings, type SettingsPatch } from '../../shared/domain/settings.js';
import type { Role } from '../../shared/domain/roles.js';
import type { ApiMethodName, HostBridge } from '../../shared/contract/api.js';
import type { ApiError } from '../../shared/contract/errors.js';
import { ApiCallError, callHost, type HostConnection } from '../bridge/host.js';
import type { SessionModel } from '../features/session/index.js';
import {
  initialConnectionState,
  withBackendStatus,
  withHostLink,
  type ConnectionState,
} from '../features/connection/index.js';
import { initialPlansState, withRunView, type PlansState } from '../features/plans/index.js';
import type { RunCommand, RunMode } from '../../shared/plans/run-model.js';
import type { SyncStatus } from '../../shared/sync/sync-records.js';
import type { Proposal } from '../../shared/plans/plan-views.js';
import type { PlanFileProblem } from '../../shared/plans/plan-file.js';
import { initialSharedState, type Selection, type SharedState } from '../../shared/domain/shared-state.js';
import { createStore, type Store } from './store.js';
import { principalName, type Principal } from '../../shared/identity/principal.js';
import { DispatcherSeat } from '../features/dispatch/index.js';
import { errorText } from '../features/dispatch/index.js';
import { CallProblemError } from '../features/dispatch/index.js';
import { callProblem } from '../../shared/dispatch/call-problem.js';
import type { CallRequest } from '../../shared/dispatch/call-request.js';
import { initialMapViewState, withCameraRequest, withPanelToggled, type MapPanel, type MapViewState } from '../features/map/index.js';
import { requireSecureContext } from '../features/secure-context/index.js';
import { initialNoticesState, withNotice, withoutNotice, type NoticesState } from '../features/notices/index.js';
import { OperatorIntents } from '../features/intent/index.js';
import { translate, type Translate } from '../i18n/catalogue.js';

export type Overlay = 'none' | 'about' | 'help' | 'settings';

export interface ShellState {
  role: Role;
  overlay: Overlay;
}

/**
 * The renderer's state, one store per feature, and the subscriptions that keep it current. Live objects (the map,
 * later players and SIP sessions) stay outside, in engines owned by their views.
 */
export class AppModel {
  readonly connection: Store<ConnectionState> = createStore(initialConnectionState);
  readonly settings: Store<Settings> = createStore(defaultSettings);
  readonly summary: Store<FeedSummary | null> = createStore<FeedSummary | null>(null);
  readonly incidents: Store<Incident[]> = createStore<Incident[]>([]);
  readonly hostInfo: Store<HostInfo | null> = createStore<HostInfo | null>(null);
  readonly plans: Store<PlansState> = createStore(initialPlansState);
  readonly sync: Store<SyncStatus | null> = createStore<SyncStatus | null>(null);
  readonly proposals: Store<Proposal[]> = createStore<Proposal[]>([]);
  readonly shared: Store<SharedState> = createStore(initialSharedState);
  readonly map: Store<MapViewState> = createStore(initialMapViewState);
  /** The host's last refusal of a command (forbidden by role, a locked screen, signed out), shown until dismissed. */
  readonly refusal: Store<ApiError | null> = createStore<ApiError | null>(null);
  /** What went wrong in this window, shown in this window (see NoticeStrip). */
  readonly notices: Store<NoticesState> = createStore(initialNoticesState);
  /** The operator's actions as this window runs them: from its keyboard and its views (see features/intent). */
  readonly intents: OperatorIntents<AppModel>;
  readonly shell: Store<ShellState>;
  /** The host as this window's views reach it: every refused command is also shown in the shell. */
  readonly host: HostConnection;
  private readonly disposers: (() => void)[] = [];
  private seat: DispatcherSeat | null = null;

  constructor(
    host: HostConnection,
    initialRole: Role,
    readonly session: SessionModel,
  ) {
    this.host = { ...host, bridge: reportingRefusals(host.bridge, (error) => this.refusal.update(() => error)) };
    this.shell = createStore<ShellState>({ role: initialRole, overlay: 'none' });
    this.intents = new OperatorIntents({
      state: () => ({ principal: session.principal(), screen: this.shell.get().role, overlayOpen: this.shell.get().overlay !== 'none', alarmsWaiting: this.shared.get().alarms.length }),
      language: () => this.settings.get().language,
      report: (text) => this.report(text),
      model: this,
    });
    const { bridge } = this.host;
    this.disposers.push(
      host.onLinkState((link) => {
        this.connection.update((state) => withHostLink(state, link));
        if (link === 'connected') {
          void this.refresh();
          void this.seat?.refreshLog();
        }
      }),
      bridge.subscribe('backend.status', (status) => {
        this.connection.update((state) => withBackendStatus(state, status));
        if (status.state === 'connected') void this.refreshIncidents();
      }),
      bridge.subscribe('settings.changed', (settings) => this.settings.update(() => settings)),
      bridge.subscribe('feed.summary', (summary) => this.summary.update(() => summary)),
      bridge.subscribe('incidents.changed', (incidents) => this.incidents.update(() => incidents)),
      bridge.subscribe('runs.changed', (view) => this.plans.update((state) => withRunView(state, view))),
      bridge.subscribe('sync.status', (status) => this.sync.update(() => status)),
      bridge.subscribe('proposals.changed', (proposals) => this.proposals.update(() => proposals)),
      bridge.subscribe('shared.changed', (shared) => this.shared.update(() => shared)),
      // Locked or unlocked: an earlier refusal no longer says what the host would do now.
      session.state.subscribe(() => this.dismissRefusal()),
    );
    if (host.linkState() === 'connected') {
      this.connection.update((state) => withHostLink(state, 'connected'));
      void this.refresh();
    }
  }

  async updateSettings(patch: SettingsPatch): Promise<void> {
    const next = await callHost(this.host.bridge, 'settings.update', patch);
    this.settings.update(() => next);
  }

  /** The operator's language; a refusal (a wall screen only views) is shown by the shell, not thrown. */
  /** Rejects when the host refuses or cannot save it: the intent that called it says so in this window. */
  async toggleLanguage(): Promise<void> {
    await this.updateSettings({ language: this.settings.get().language === 'zh-CN' ? 'en' : 'zh-CN' });
  }

  dismissRefusal(): void {
    this.refusal.update(() => null);
  }

  async refreshPlans(): Promise<void> {
    const [library, runs, proposals] = await Promise.all([
      callHost(this.host.bridge, 'plans.library', {}),
      callHost(this.host.bridge, 'runs.list', {}),
      callHost(this.host.bridge, 'proposals.list', {}),
    ]);
    this.plans.update((state) => ({ ...state, library, runs }));
    this.proposals.update(() => proposals);
  }

  async dismissProposal(proposal: Proposal): Promise<void> {
    const proposals = await this.guardPlans(callHost(this.host.bridge, 'proposals.dismiss', { incidentId: proposal.incidentId, planId: proposal.planId }));
    if (proposals) this.proposals.update(() => proposals);
  }

  /** Adds a plan file; its problems (with line and column) are shown, never half-applied. */
  async importPlan(text: string): Promise<PlanFileProblem[]> {
    const outcome = await this.guardPlans(callHost(this.host.bridge, 'plans.import', { text }));
    if (!outcome) return [];
    this.plans.update((state) => ({ ...state, library: outcome.library }));
    return outcome.problems;
  }

  async exportPlan(planId: string): Promise<{ fileName: string; text: string } | null> {
    return this.guardPlans(callHost(this.host.bridge, 'plans.export', { planId }));
  }

  /** A drill operator stages the plan's trigger as a drill incident; it then proposes the plan like a real alarm. */
  async injectDrill(planId: string): Promise<void> {
    await this.guardPlans(callHost(this.host.bridge, 'drills.inject', { planId }));
  }

  async openRun(runId: string): Promise<void> {
    const view = await callHost(this.host.bridge, 'runs.get', { runId });
    this.plans.update((state) => ({ ...state, openRun: view }));
  }

  /** One click: start the plan for the incident and open its run console. */
  async launchPlan(planId: string, incidentId: string | null, mode: RunMode): Promise<void> {
    const view = await this.guard(callHost(this.host.bridge, 'runs.start', { planId, incidentId, mode }));
    if (view) this.plans.update((state) => ({ ...withRunView(state, view), openRun: view }));
  }

  async commandRun(runId: string, command: RunCommand): Promise<void> {
    const view = await this.guardPlans(callHost(this.host.bridge, 'runs.command', { runId, command }));
    if (view) this.plans.update((state) => withRunView(state, view));
  }

  /** Take over driving another console's active run (its console went away); the reason goes into its history. */
  async takeOverRun(runId: string, reason: string): Promise<void> {
    const view = await this.guardPlans(callHost(this.host.bridge, 'runs.takeOver', { runId, reason }));
    if (view) this.plans.update((state) => withRunView(state, view));
  }

  /** Focus an incident on every window of the console. */
  async focusIncident(incidentId: string | null): Promise<void> {
    const shared = await this.guard(callHost(this.host.bridge, 'shared.focusIncident', { incidentId }));
    if (shared) this.shared.update(() => shared);
  }

  /** Select an object on every map window of the console (null clears it). */
  async selectOnAllWindows(selection: Selection | null): Promise<boolean> {
    const shared = await this.guard(callHost(this.host.bridge, 'shared.select', { selection }));
    if (shared) this.shared.update(() => shared);
    return shared !== null;
  }

    toggleMapPanel(panel: Exclude<MapPanel, 'none'>): void {
    this.map.update((state) => withPanelToggled(state, panel));
  }

  requestMapCamera(target: Parameters<typeof withCameraRequest>[1]): void {
    this.map.update((state) => withCameraRequest(state, target));
  }

  /** Puts a scene on every window of the console; the host answers with the shared state every window then follows. */
  async applyScene(sceneId: string): Promise<void> {
    const shared = await this.guard(callHost(this.host.bridge, 'scenes.apply', { sceneId }));
    if (shared) this.shared.update(() => shared);
  }

  /** The alarm popped up first on the wall is handled: its cameras leave the reserved tiles on every window. */
  async acknowledgeAlarm(): Promise<void> {
    const alarm = this.shared.get().alarms[0];
    if (!alarm) return;
    const shared = await this.guard(callHost(this.host.bridge, 'alarms.acknowledge', { incidentId: alarm.incidentId }));
    if (shared) this.shared.update(() => shared);
  }

  /** Asks the video wall windows to play a camera on its own; the first to claim the request plays it. */
  async playOnWall(cameraId: string): Promise<string | null> {
    try {
      // Before the random id, which a page that is not a secure context does not have.
      requireSecureContext();
    } catch (error) {
      return this.problemText(error);
    }
    const outcome = await this.guard(callHost(this.host.bridge, 'wallPlay.request', { requestId: crypto.randomUUID(), cameraId }));
    return outcome?.delivered === 0 ? translate(this.settings.get().language, 'intent.noVideoWindow') : null;
  }

  /** This window's dispatcher seat, started on first use (the dispatch screen, or a call asked for here). */
  dispatcherSeat(): DispatcherSeat {
    if (this.seat === null) {
      this.seat = new DispatcherSeat(this.host.bridge, () => operatorOf(this.session.principal()));
      void this.seat.start();
    }
    return this.seat;
  }

  hasDispatcherSeat(): boolean {
    return this.seat !== null;
  }

  /**
   * One click from the map or a plan: the window holding the dispatcher seat places the call. With no such window
   * open, this window takes a seat itself and places it once registered. Resolves to what went wrong, in the
   * operator's language (a call problem is translated from its code), or null.
   */
  async requestCall(request: Omit<CallRequest, 'requestId'>): Promise<string | null> {
    try {
      // Before the random id and the seat, both of which need it: the operator reads why nothing can ring.
      requireSecureContext();
      if (this.seat === null) {
        const { delivered } = await callHost(this.host.bridge, 'calls.request', { ...request, requestId: crypto.randomUUID() });
        if (delivered > 0) return null;
      }
      const seat = this.dispatcherSeat();
      await waitForRegistration(seat);
      seat.place(request);
      return null;
    } catch (error) {
      // A refusal is already shown by the shell (see reportingRefusals), not a second time as this call's problem.
      return isRefusal(error) ? null : this.problemText(error);
    }
  }

  /** A problem in the operator's language: call problems and an insecure page from their codes, others as they came. */
  private problemText(error: unknown): string {
    const language = this.settings.get().language;
    const t: Translate = (key, ...params) => translate(language, key, ...params);
    return errorText(t, error);
  }

  dismissPlansError(): void {
    this.plans.update((state) => ({ ...state, error: null }));
  }

  /** Shows a problem in this window's notices. */
  report(text: string): void {
    this.notices.update((state) => withNotice(state, text));
  }

  dismissNotice(id: number): void {
    this.notices.update((state) => withoutNotice(state, id));
  }

  /** A failed command (already done elsewhere, lost connection) is shown in this window, never thrown into the UI. */
  private guard<T>(call: Promise<T>): Promise<T | null> {
    return guarded(call, (text) => this.report(text));
  }

  /** The same for what only the plans screen offers (its runs, library and drills): shown on that screen. */
  private guardPlans<T>(call: Promise<T>): Promise<T | null> {
    return guarded(call, (text) => this.plans.update((state) => ({ ...state, error: text })));
  }

  setRole(role: Role): void {
    this.shell.update((state) => (state.role === role ? state : { ...state, role }));
  }

  toggleOverlay(overlay: Exclude<Overlay, 'none'>): void {
    this.shell.update((state) => ({ ...state, overlay: state.overlay === overlay ? 'none' : overlay }));
  }

  closeOverlay(): void {
    this.shell.update((state) => (state.overlay === 'none' ? state : { ...state, overlay: 'none' }));
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    void this.seat?.dispose();
    this.seat = null;
  }

  /** Everything a window needs after (re)connecting to its host. */
  private async refresh(): Promise<void> {
    const { bridge } = this.host;
    const [info, settings, backend, summary, sync, shared] = await Promise.all([
      bridge.call('host.info', {}),
      bridge.call('settings.get', {}),
      bridge.call('backend.status', {}),
      bridge.call('feed.summary', {}),
      bridge.call('sync.status', {}),
      bridge.call('shared.get', {}),
    ]);
    if (shared.ok) this.shared.update(() => shared.value);
    if (sync.ok) this.sync.update(() => sync.value);
    if (info.ok) this.hostInfo.update(() => info.value);
    if (settings.ok) this.settings.update(() => settings.value);
    if (backend.ok) this.connection.update((state) => withBackendStatus(state, backend.value));
    if (summary.ok && summary.value) this.summary.update(() => summary.value);
    if (backend.ok && backend.value.state === 'connected') await this.refreshIncidents();
  }

  private async refreshIncidents(): Promise<void> {
    const incidents = await this.host.bridge.call('incidents.list', {});
    if (incidents.ok) this.incidents.update(() => incidents.value);
  }
}

/** Who acts, as the call log names them: the signed-in user (the host records the same from the credential). */
function operatorOf(principal: Principal | null): string {
  return principal === null ? '' : principalName(principal);
}

async function guarded<T>(call: Promise<T>, report: (text: string) => void): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    // A refusal is already shown by the shell (see reportingRefusals).
    if (!isRefusal(error)) report((error as Error).message);
    return null;
  }
}

function isRefusal(error: unknown): boolean {
  return error instanceof ApiCallError && (error.error.code === 'forbidden' || error.error.code === 'unauthorized');
}

/** Methods whose refusal the sign-in and lock views show themselves. */
const quietMethods = (method: ApiMethodName) => method.startsWith('session.');

/** A bridge that reports every `forbidden` or `unauthorized` answer, so no refused command goes unseen. */
function reportingRefusals(bridge: HostBridge, report: (error: ApiError) => void): HostBridge {
  return {
    call: async (method, params) => {
      const response = await bridge.call(method, params);
      if (!response.ok && (response.error.code === 'forbidden' || response.error.code === 'unauthorized') && !quietMethods(method)) report(response.error);
      return response;
    },
    subscribe: (event, listener) => bridge.subscribe(event, listener),
  };
}

const SEAT_REGISTRATION_WAIT_MS = 10_000;

function waitForRegistration(seat: DispatcherSeat): Promise<void> {
  const { state } = seat.engine;
  if (state.get().registration === 'registered') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new CallProblemError(state.get().registrationNote ?? callProblem('seat-not-registered')));
    }, SEAT_REGISTRATION_WAIT_MS);
    const stop = state.subscribe(() => {
      if (state.get().registration !== 'registered') return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}
