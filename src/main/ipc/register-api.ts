import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcChannels } from '../../shared/contract/channels.js';
import { apiError, type ApiResponse } from '../../shared/contract/errors.js';
import { roleFromPath } from '../../shared/domain/roles.js';
import type { Logger } from '../../node/logger.js';
import type { ConsoleCore } from '../core/console-core.js';
import type { HubConnection, SessionSlot } from '../core/api/index.js';
import type { Principal } from '../../shared/identity/principal.js';
import { mayReceive } from '../../shared/identity/access.js';
import { isAppUrl } from '../windows/app-url.js';
import type { SessionVault } from '../platform/session-vault.js';

type ApiIpcMain = Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeAllListeners'>;

/**
 * The Electron transport of the host contract. Every message is checked to come from a frame of our own app
 * origin; the core's dispatcher then parses the payload exactly as it does for the web host.
 *
 * The app's windows share one session, as a browser's tabs share the web host's cookie: a sign-in, sign-out or lock in
 * one window counts for all. The main process holds the credential (never a page) and keeps it in `vault`, so that a
 * restarted app opens its windows signed in, as a restarted web host leaves its browsers signed in.
 */
export function registerApiIpc(ipcMain: ApiIpcMain, core: ConsoleCore, logger: Logger, vault: SessionVault, firstStart: boolean): () => void {
  const connections = new Map<number, HubConnection>();
  let credential = startingCredential(core, vault, logger, firstStart);
  const tellWindows = (principal: Principal) => {
    for (const connection of connections.values()) connection.notify('session.changed', principal);
  };
  const session: SessionSlot = {
    get credential() {
      return credential;
    },
    adopt(secret) {
      credential = secret;
      vault.save(secret);
      tellWindows(core.identity.principalFor(secret));
    },
  };
  // The app's credential ended (revoked, its user disabled or given a new password) or changed (locked, unlocked):
  // every window is told; an ended one is forgotten here and in the vault, and every window is nobody now.
  const stopWatchingCredentials = core.identity.onChange(({ credentialId }) => {
    if (credential === null) return;
    const principal = core.identity.principalFor(credential);
    if (principal.kind === 'anonymous') {
      credential = null;
      vault.save(null);
    } else if (principal.credentialId !== credentialId) return;
    tellWindows(principal);
  });

  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent): boolean => {
    const url = event.senderFrame?.url;
    if (url !== undefined && isAppUrl(url)) return true;
    logger.warn('ignored IPC from an untrusted frame', { url });
    return false;
  };

  const connectionOf = (sender: WebContents): HubConnection => {
    let connection = connections.get(sender.id);
    if (!connection) {
      connection = core.hub.connect(
        (event, payload) => {
          if (!sender.isDestroyed()) sender.send(ipcChannels.event, event, payload);
        },
        (event) => mayReceive(core.identity.principalFor(credential), event),
      );
      connections.set(sender.id, connection);
      sender.once('destroyed', () => {
        connections.get(sender.id)?.dispose();
        connections.delete(sender.id);
      });
    }
    return connection;
  };

  ipcMain.handle(ipcChannels.call, async (event, method: unknown, params: unknown): Promise<ApiResponse<unknown>> => {
    if (!trusted(event)) return { ok: false, error: apiError('unauthorized', 'Calls are accepted from the Zhili app only.') };
    if (typeof method !== 'string') return { ok: false, error: apiError('invalid-message', 'The method name must be a string.') };
    const url = event.senderFrame?.url ?? '';
    return core.dispatch(method, params, {
      transport: 'ipc',
      clientId: `window-${event.sender.id}`,
      role: roleFromPath(new URL(url).pathname),
      address: 'local',
      session,
    });
  });
  ipcMain.on(ipcChannels.subscribe, (event, name: unknown) => {
    if (!trusted(event) || typeof name !== 'string') return;
    const error = connectionOf(event.sender).subscribe(name);
    if (error) logger.warn('refused a subscription', { name, error: error.message });
  });
  ipcMain.on(ipcChannels.unsubscribe, (event, name: unknown) => {
    if (!trusted(event) || typeof name !== 'string') return;
    connections.get(event.sender.id)?.unsubscribe(name);
  });

  return () => {
    stopWatchingCredentials();
    ipcMain.removeHandler(ipcChannels.call);
    ipcMain.removeAllListeners(ipcChannels.subscribe);
    ipcMain.removeAllListeners(ipcChannels.unsubscribe);
    for (const connection of connections.values()) connection.dispose();
    connections.clear();
  };
}

/**
 * The credential the app starts with: the one kept from the last run while it is still good (a locked session stays
 * locked). On the console's very first start (the one that made its administrator), the app uses the start-up sign-in
 * link itself, the web host's printed link having no browser to go to here, so that a newcomer reaches the map with no
 * password. Never on a later start: else quitting and starting the app would undo a sign-out or a lock (锁屏) and
 * make whoever sits at the machine an administrator.
 */
function startingCredential(core: ConsoleCore, vault: SessionVault, logger: Logger, firstStart: boolean): string | null {
  const kept = vault.load();
  if (kept !== null && core.identity.principalFor(kept).kind !== 'anonymous') return kept;
  if (kept !== null) {
    vault.save(null);
    logger.info('the kept sign-in session has ended (expired, revoked or its user disabled); dropped it');
  }
  const code = firstStart ? core.identity.signInLinkCode() : null;
  if (code === null) {
    logger.info('no kept sign-in session: the windows ask to sign in');
    return null;
  }
  const { secret } = core.identity.redeem(code, 'local');
  vault.save(secret);
  return secret;
}
