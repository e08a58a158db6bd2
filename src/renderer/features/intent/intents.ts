import type { Language } from '../../../shared/domain/settings.js';
import { translate } from '../../i18n/catalogue.js';
import { actionList, actions, type ActionId, type ActionParams, type IntentState, type OperatorAction, type Unavailable } from './actions.js';
import { isTypingTarget, shortcutOf, type KeyPress } from './shortcuts.js';

/** What the intents need of the window: its state, its language, where problems are reported, and the host model. */
export interface IntentPorts<M> {
  state(): Omit<IntentState, 'provided'>;
  language(): Language;
  report(text: string): void;
  model: M;
}

type Entry = { id: ActionId; action: OperatorAction<never> };

/**
 * Runs operator actions for one window: from the keyboard (one listener for the whole window) or from a view's button.
 * An action that cannot run now does not run, and says why in the window's notices; a key typed into a field is the
 * field's; one key press runs at most one action.
 */
export class OperatorIntents<M> {
  private readonly providers = new Map<ActionId, () => unknown>();
  /** Held keys (PTZ) and what letting each go does. */
  private readonly held = new Map<string, () => void>();

  private readonly registry: readonly Entry[] = actionList();

  constructor(private readonly ports: IntentPorts<M>) {}

  /**
   * A view carries out an action while it is shown (Esc on its single tile, the PTZ keys); the result withdraws it. A
   * handler that returns a function holds its key: that function runs when the key is let go.
   */
  provide(id: ActionId, handler: () => unknown): () => void {
    this.providers.set(id, handler);
    return () => {
      if (this.providers.get(id) === handler) this.providers.delete(id);
    };
  }

  state(): IntentState {
    return { ...this.ports.state(), provided: new Set(this.providers.keys()) };
  }

  availability(id: ActionId): Unavailable | null {
    return this.entry(id).action.availability(this.state());
  }

  /** Runs an action from a view; returns what went wrong (why it is unavailable, or the problem it met), or null. */
  async run<I extends ActionId>(id: I, ...params: ActionParams<I> extends undefined ? [] : [ActionParams<I>]): Promise<string | null> {
    const { action } = this.entry(id);
    const unavailable = action.availability(this.state());
    if (unavailable) return this.refuse(action, unavailable);
    try {
      const problem = await this.execute(id, action, params[0] as never);
      if (typeof problem !== 'string') return null;
      this.reportProblem(action, problem);
      return problem;
    } catch (error) {
      // An action that throws is a problem of this window too: said here, never a rejection a view drops.
      return this.reportProblem(action, (error as Error).message);
    }
  }

  /** The window's one keyboard listener; returns its removal. */
  listen(target: Pick<Window, 'addEventListener' | 'removeEventListener'>): () => void {
    const down = (event: KeyboardEvent) => this.keyDown(event);
    const up = (event: KeyboardEvent) => this.keyUp(event);
    // A window that loses focus never sees its held keys go up.
    const blur = () => this.releaseAll();
    target.addEventListener('keydown', down);
    target.addEventListener('keyup', up);
    target.addEventListener('blur', blur);
    return () => {
      target.removeEventListener('keydown', down);
      target.removeEventListener('keyup', up);
      target.removeEventListener('blur', blur);
      this.releaseAll();
    };
  }

  keyDown(event: KeyPress): void {
    if (event.defaultPrevented || isTypingTarget(event.target)) return;
    const shortcut = shortcutOf(event);
    const bound = this.registry.filter((entry) => entry.action.shortcuts.includes(shortcut));
    if (bound.length === 0) return;
    // A held key repeats: the action it started goes on until the key is let go.
    if (event.repeat) {
      if (this.held.has(event.code)) event.preventDefault();
      return;
    }
    const state = this.state();
    const chosen = bound.find((entry) => entry.action.availability(state) === null);
    if (!chosen) {
      // A key that means nothing here stays the browser's; one the operator may not use says why.
      const refused = bound.map((entry) => ({ entry, unavailable: entry.action.availability(state) })).find(({ unavailable }) => unavailable && !unavailable.context);
      if (refused?.unavailable) {
        event.preventDefault();
        this.refuse(refused.entry.action, refused.unavailable);
      }
      return;
    }
    event.preventDefault();
    void this.execute(chosen.id, chosen.action, undefined as never).then(
      (outcome) => {
        if (typeof outcome === 'string') this.reportProblem(chosen.action, outcome);
        else if (typeof outcome === 'function') this.held.set(event.code, outcome as () => void);
      },
      (error: unknown) => this.reportProblem(chosen.action, (error as Error).message),
    );
  }

  keyUp(event: Pick<KeyPress, 'code'>): void {
    const release = this.held.get(event.code);
    if (!release) return;
    this.held.delete(event.code);
    release();
  }

  private releaseAll(): void {
    const releases = [...this.held.values()];
    this.held.clear();
    for (const release of releases) release();
  }

  /** What the action returned: a problem (a text), what letting its key go does (a function), or anything else. */
  private async execute(id: ActionId, action: OperatorAction<never>, params: never): Promise<unknown> {
    if (action.run) return await action.run(this.ports.model as never, params);
    return this.providers.get(id)?.();
  }

  private refuse(action: OperatorAction<never>, unavailable: Unavailable): string {
    return this.reportProblem(action, translate(this.ports.language(), unavailable.reason));
  }

  /** Says in the window's notices which action met what; returns the problem. */
  private reportProblem(action: OperatorAction<never>, problem: string): string {
    this.ports.report(`${this.nameOf(action)}: ${problem}`);
    return problem;
  }

  private nameOf(action: OperatorAction<never>): string {
    const language = this.ports.language();
    return `${translate(language, action.name.key)}${action.name.suffix ? ` ${translate(language, action.name.suffix)}` : ''}`;
  }

  private entry(id: ActionId): Entry {
    return { id, action: actions[id] as OperatorAction<never> };
  }
}
