import type { ApiError, ApiResponse } from '../../../shared/contract/errors.js';
import type { Principal } from '../../../shared/identity/principal.js';
import type { HostConnection } from '../../bridge/host.js';
import { createStore, type Store } from '../../state/store.js';
import { initialSessionState, oneTimeCodeOf, seesTheWall, withLinkError, withoutFragment, withPrincipal, type SessionState } from './session-state.js';

/**
 * Who this page is signed in as, kept current: asked again after every (re)connect (a socket the host closed because
 * its credential ended comes back as nobody), and told by the host when the session is locked or unlocked in any
 * window holding it. The console and the crew terminal both start from it.
 */
export class SessionModel {
  readonly state: Store<SessionState> = createStore(initialSessionState);
  private readonly disposers: (() => void)[] = [];
  /** Answers to questions asked before the last sign-in, sign-out or redeem are stale and dropped. */
  private epoch = 0;

  constructor(readonly host: HostConnection) {
    this.disposers.push(
      host.onLinkState((link) => {
        if (link === 'connected') void this.refresh();
      }),
      host.bridge.subscribe('session.changed', (principal) => this.adopt(principal)),
      host.onSessionEnded(() => {
        this.epoch += 1;
        this.adopt({ kind: 'anonymous' });
      }),
    );
  }

  /**
   * Uses the one-time code the page was opened with (dropping it from the address), then asks who the page is. A link
   * opened on the same page later (only its fragment differs, so the page is not loaded again) is used too.
   */
  async start(): Promise<void> {
    const onHashChange = () => void this.useLinkCode();
    window.addEventListener('hashchange', onHashChange);
    this.disposers.push(() => window.removeEventListener('hashchange', onHashChange));
    await this.useLinkCode();
    if (this.host.linkState() === 'connected') await this.refresh();
  }

  private async useLinkCode(): Promise<void> {
    const code = oneTimeCodeOf(location.hash);
    if (code === null) return;
    // Out of the address bar and the history at once: the code is used (or refused) now and never again.
    history.replaceState(history.state, '', withoutFragment(location));
    const redeemed = await this.signedIn(this.host.redeem(code));
    this.state.update((state) => withLinkError(state, redeemed.ok ? null : redeemed.error));
  }

  principal(): Principal | null {
    return this.state.get().principal;
  }

  signIn(username: string, password: string): Promise<ApiResponse<Principal>> {
    return this.signedIn(this.host.signIn(username, password));
  }

  signOut(): Promise<ApiResponse<Principal>> {
    return this.signedIn(this.host.signOut());
  }

  /** Locks this session in every window holding it: the wall stays visible, the host refuses commands. */
  async lock(): Promise<ApiError | null> {
    const principal = this.principal();
    if (principal?.kind !== 'user' || principal.locked) return null;
    return this.answer(await this.host.bridge.call('session.lock', {}));
  }

  async unlock(password: string): Promise<ApiError | null> {
    return this.answer(await this.host.bridge.call('session.unlock', { password }));
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<ApiError | null> {
    const response = await this.host.bridge.call('session.changePassword', { currentPassword, newPassword });
    return response.ok ? null : response.error;
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  private async signedIn(pending: Promise<ApiResponse<Principal>>): Promise<ApiResponse<Principal>> {
    this.epoch += 1;
    const response = await pending;
    this.epoch += 1;
    if (response.ok) this.adopt(response.value);
    return response;
  }

  private answer(response: ApiResponse<Principal>): ApiError | null {
    if (!response.ok) return response.error;
    this.epoch += 1;
    this.adopt(response.value);
    return null;
  }

  private async refresh(): Promise<void> {
    const asked = ++this.epoch;
    const response = await this.host.bridge.call('session.current', {});
    if (response.ok && asked === this.epoch) this.adopt(response.value);
  }

  private adopt(principal: Principal): void {
    this.state.update((state) => withPrincipal(state, principal));
  }
}

/**
 * One object per credential that may see the wall (the console's AppModel): made when such a credential signs in,
 * disposed when it signs out or another takes its place, so nothing of one session's state reaches the next.
 */
export function perCredential<T extends { dispose(): void }>(session: SessionModel, create: () => T): { current: Store<T | null>; dispose(): void } {
  const current = createStore<T | null>(null);
  let credentialId: string | null = null;
  const follow = () => {
    const principal = session.principal();
    const next = seesTheWall(principal) ? principal.credentialId : null;
    if (next === credentialId) return;
    credentialId = next;
    current.get()?.dispose();
    current.update(() => (next === null ? null : create()));
  };
  const stop = session.state.subscribe(follow);
  follow();
  return {
    current,
    dispose() {
      stop();
      current.get()?.dispose();
      current.update(() => null);
    },
  };
}
