import type { ApiMethodName } from '../../../shared/contract/api.js';
import type { CallRequest } from '../../../shared/dispatch/call-request.js';
import { roles, type Role } from '../../../shared/domain/roles.js';
import { authorise } from '../../../shared/identity/access.js';
import { anonymous, type Principal } from '../../../shared/identity/principal.js';
import type { RunMode } from '../../../shared/plans/run-model.js';
import type { PlainMessageKey } from '../../i18n/catalogue.js';
import type { withCameraRequest } from '../map/index.js';

type Overlay = 'about' | 'help' | 'settings';

/**
 * What the actions ask of the window's model (IntentModel has it all); named here, so that the registry does not depend
 * on the model that holds it.
 */
export interface IntentModel {
  setRole(role: Role): void;
  toggleOverlay(overlay: Overlay): void;
  closeOverlay(): void;
  toggleLanguage(): Promise<void>;
  readonly session: { lock(): Promise<{ message: string } | null> };
  toggleMapPanel(panel: 'catalogue'): void;
  requestMapCamera(target: Parameters<typeof withCameraRequest>[1]): void;
  acknowledgeAlarm(): Promise<void>;
  playOnWall(cameraId: string): Promise<string | null>;
  focusIncident(incidentId: string | null): Promise<void>;
  applyScene(sceneId: string): Promise<void>;
  requestCall(request: Omit<CallRequest, 'requestId'>): Promise<string | null>;
  launchPlan(planId: string, incidentId: string | null, mode: RunMode): Promise<void>;
}

/** What availability is judged on: this window as it is now. */
export interface IntentState {
  principal: Principal | null;
  screen: Role;
  /** A dialog (help, about, settings) is open. */
  overlayOpen: boolean;
  alarmsWaiting: number;
  /** Actions a view shown now carries out (its own state: the single tile, the PTZ pad, the detail panel). */
  provided: ReadonlySet<string>;
}

/** Why an action cannot run now. `context`: it means nothing here (a key that then does nothing, silently). */
export interface Unavailable {
  reason: PlainMessageKey;
  context: boolean;
}

export type ActionGroup = 'screens' | 'shell' | 'map' | 'video' | 'ptz' | 'wall' | 'dispatch' | 'plans';
export const actionGroups: readonly ActionGroup[] = ['screens', 'shell', 'map', 'video', 'ptz', 'wall', 'dispatch', 'plans'];

export interface OperatorAction<P> {
  readonly group: ActionGroup;
  readonly name: { key: PlainMessageKey; suffix?: PlainMessageKey };
  /** Keys as `shortcutOf` writes them; several where the keyboard has several (`+` and `=`). */
  readonly shortcuts: readonly string[];
  /** The host method whose audit line records the action (who, from which window); null: it changes only this window. */
  readonly audit: ApiMethodName | null;
  availability(state: IntentState): Unavailable | null;
  /**
   * Absent: the view that shows it carries it out, while it is shown (see OperatorIntents.provide). What it returns or
   * resolves to, where it is a text, is the problem it met.
   */
  readonly run?: (model: IntentModel, params: P) => unknown;
}

const here = (reason: PlainMessageKey = 'intent.why.notHere'): Unavailable => ({ reason, context: true });
const always: (state: IntentState) => Unavailable | null = () => null;
const onScreen =
  (screen: Role) =>
  (state: IntentState): Unavailable | null =>
    state.screen === screen ? null : here();
const whileShown = (id: string) => (state: IntentState) => (state.provided.has(id) ? null : here());

/** Whether the host would take the method from this window's caller: the access table, read before asking. */
export function hostAllows(method: ApiMethodName): (state: IntentState) => Unavailable | null {
  return ({ principal }) => {
    const caller = principal ?? anonymous;
    if (authorise(caller, method, {}) === null) return null;
    if (caller.kind === 'anonymous') return { reason: 'intent.why.signedOut', context: false };
    if (caller.kind === 'screen') return { reason: 'intent.why.viewOnly', context: false };
    if (caller.kind === 'user' && caller.locked) return { reason: 'intent.why.locked', context: false };
    return { reason: 'intent.why.role', context: false };
  };
}

const both =
  (...checks: ((state: IntentState) => Unavailable | null)[]) =>
  (state: IntentState): Unavailable | null => {
    for (const check of checks) {
      const unavailable = check(state);
      if (unavailable) return unavailable;
    }
    return null;
  };

/** Each role keeps its own URL (the kiosk URL of a wall screen), so switching screen updates the address too. */
export function navigateToRole(model: IntentModel, role: Role): void {
  model.setRole(role);
  if (location.pathname !== `/${role}`) history.pushState({ role }, '', `/${role}${location.search}`);
}

const screenAction = (role: Role): OperatorAction<undefined> => ({
  group: 'screens',
  name: { key: 'shortcut.role', suffix: `role.${role}` },
  shortcuts: [`Alt+${roles.indexOf(role) + 1}`],
  audit: null,
  availability: always,
  run: (model) => navigateToRole(model, role),
});

const provided = (group: ActionGroup, key: PlainMessageKey, id: string, shortcuts: string[], audit: ApiMethodName | null = null): OperatorAction<undefined> => ({
  group,
  name: { key },
  shortcuts,
  audit,
  availability: whileShown(id),
});

/**
 * Every operator action, registered once: the keyboard dispatcher, the views' buttons and the help overlay (F1) all
 * read it. Where several actions share a key (Esc), the first available one in this order takes it.
 */
export const actions = {
  'screen.map': screenAction('map'),
  'screen.video': screenAction('video'),
  'screen.dispatch': screenAction('dispatch'),
  'screen.plans': screenAction('plans'),
  'overlay.close': {
    group: 'shell',
    name: { key: 'intent.action.closeOverlay' },
    shortcuts: ['Escape'],
    audit: null,
    availability: (state) => (state.overlayOpen ? null : here()),
    run: (model) => model.closeOverlay(),
  },
  'language.toggle': {
    group: 'shell',
    name: { key: 'shortcut.language' },
    shortcuts: ['Alt+L'],
    audit: 'settings.update',
    availability: hostAllows('settings.update'),
    run: (model) => model.toggleLanguage(),
  },
  // The wall stays visible; the host refuses commands until the user's password unlocks it (in every window).
  'session.lock': {
    group: 'shell',
    name: { key: 'shortcut.lock' },
    shortcuts: ['Alt+K'],
    audit: 'session.lock',
    availability: hostAllows('session.lock'),
    run: (model) => model.session.lock().then((refusal) => refusal?.message ?? null),
  },
  'settings.toggle': {
    group: 'shell',
    name: { key: 'shortcut.settings' },
    shortcuts: ['Alt+S'],
    audit: null,
    // A wall screen only views: it has no settings of its own (the administrator's are behind their sign-in).
    availability: ({ principal }) => (principal?.kind === 'screen' ? { reason: 'intent.why.viewOnly', context: false } : null),
    run: (model) => model.toggleOverlay('settings'),
  },
  'about.toggle': { group: 'shell', name: { key: 'shortcut.about' }, shortcuts: ['Alt+I'], audit: null, availability: always, run: (model) => model.toggleOverlay('about') },
  'help.toggle': { group: 'shell', name: { key: 'shortcut.help' }, shortcuts: ['F1'], audit: null, availability: always, run: (model) => model.toggleOverlay('help') },
  'map.catalogue': {
    group: 'map',
    name: { key: 'shortcut.catalogue' },
    shortcuts: ['Alt+C'],
    audit: null,
    availability: onScreen('map'),
    run: (model) => model.toggleMapPanel('catalogue'),
  },
  'map.home': {
    group: 'map',
    name: { key: 'shortcut.home' },
    shortcuts: ['Alt+H'],
    audit: null,
    availability: onScreen('map'),
    run: (model) => model.requestMapCamera({ kind: 'home' }),
  },
  'map.closeDetail': provided('map', 'intent.action.closeDetail', 'map.closeDetail', ['Escape']),
  'video.backToGrid': provided('video', 'intent.action.backToGrid', 'video.backToGrid', ['Escape']),
  'ptz.up': provided('ptz', 'intent.action.ptzUp', 'ptz.up', ['ArrowUp'], 'cameras.ptz'),
  'ptz.down': provided('ptz', 'intent.action.ptzDown', 'ptz.down', ['ArrowDown'], 'cameras.ptz'),
  'ptz.left': provided('ptz', 'intent.action.ptzLeft', 'ptz.left', ['ArrowLeft'], 'cameras.ptz'),
  'ptz.right': provided('ptz', 'intent.action.ptzRight', 'ptz.right', ['ArrowRight'], 'cameras.ptz'),
  'ptz.zoomIn': provided('ptz', 'intent.action.ptzZoomIn', 'ptz.zoomIn', ['+', '='], 'cameras.ptz'),
  'ptz.zoomOut': provided('ptz', 'intent.action.ptzZoomOut', 'ptz.zoomOut', ['-'], 'cameras.ptz'),
  'ptz.home': provided('ptz', 'intent.action.ptzHome', 'ptz.home', ['Home'], 'cameras.ptz'),
  'alarm.acknowledge': {
    group: 'video',
    name: { key: 'intent.action.acknowledgeAlarm' },
    shortcuts: ['Alt+A'],
    audit: 'alarms.acknowledge',
    availability: both(onScreen('video'), (state) => (state.alarmsWaiting === 0 ? here('intent.why.noAlarm') : null), hostAllows('alarms.acknowledge')),
    run: (model) => model.acknowledgeAlarm(),
  },
  'wall.playCamera': {
    group: 'wall',
    name: { key: 'intent.action.playCamera' },
    shortcuts: [],
    audit: 'wallPlay.request',
    availability: hostAllows('wallPlay.request'),
    run: (model, { cameraId }: { cameraId: string }) => model.playOnWall(cameraId),
  },
  'incident.focus': {
    group: 'wall',
    name: { key: 'intent.action.focusIncident' },
    shortcuts: [],
    audit: 'shared.focusIncident',
    availability: hostAllows('shared.focusIncident'),
    run: (model, { incidentId }: { incidentId: string | null }) => model.focusIncident(incidentId).then(() => null),
  },
  'scene.apply': {
    group: 'wall',
    name: { key: 'intent.action.applyScene' },
    shortcuts: [],
    audit: 'scenes.apply',
    availability: hostAllows('scenes.apply'),
    run: (model, { sceneId }: { sceneId: string }) => model.applyScene(sceneId).then(() => null),
  },
  'crew.call': {
    group: 'dispatch',
    name: { key: 'intent.action.callCrew' },
    shortcuts: [],
    audit: 'calls.request',
    availability: hostAllows('calls.request'),
    run: (model, request: Omit<CallRequest, 'requestId'>) => model.requestCall(request),
  },
  'plan.launch': {
    group: 'plans',
    name: { key: 'intent.action.launchPlan' },
    shortcuts: [],
    audit: 'runs.start',
    availability: hostAllows('runs.start'),
    run: (model, { planId, incidentId, mode }: { planId: string; incidentId: string | null; mode: RunMode }) => model.launchPlan(planId, incidentId, mode).then(() => null),
  },
} satisfies Record<string, OperatorAction<never>>;

export type ActionId = keyof typeof actions;
/** What running an action takes besides the window's model: nothing (undefined) for every action a key can run. */
export type ActionParams<I extends ActionId> = (typeof actions)[I] extends { run: (...args: infer A) => unknown } ? (A extends [unknown, infer P] ? P : undefined) : undefined;
export const actionIds = Object.keys(actions) as ActionId[];

/** The registry as one list, for the dispatcher and the help overlay. */
export function actionList(): { id: ActionId; action: OperatorAction<never> }[] {
  return actionIds.map((id) => ({ id, action: actions[id] as OperatorAction<never> }));
}

/** What a button's tooltip says of an action's keys, read from the one registry (so a button and F1 never disagree). */
export function shortcutTitle(id: ActionId): string {
  return (actions[id] as { shortcuts: readonly string[] }).shortcuts.join(' / ');
}
