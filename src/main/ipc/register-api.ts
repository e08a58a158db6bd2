import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcChannels } from '../../shared/contract/channels.js';
import { apiError, type ApiResponse } from '../../shared/contract/errors.js';
import { roleFromPath } from '../../shared/domain/roles.js';
import type { Logger } from '../../node/logger.js';
import type { ConsoleCore } from '../core/console-core.js';
import type { HubConnection, SessionSlot } from '../core/api/index.js';
import { mayReceive } from '../../shared/identity/access.js';
import { isAppUrl } from '../windows/app-url.js';

type ApiIpcMain = Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeAllListeners'>;

/**
 * The Electron transport of the host contract. Every message is checked to come from a frame of our own app
 * origin; the core's dispatcher then parses the payload exactly as it does for the web host.
 */
export function registerApiIpc(ipcMain: ApiIpcMain, core: ConsoleCore, logger: Logger): () => void {
  const connections = new Map<number, HubConnection>();
  /**
   * Each window's credential, held here in the main process (never in the page): a window signs in over IPC and keeps
   * its session across reloads; closing the window forgets it.
   */
  const credentials = new Map<number, string>();
  const slotOf = (sender: WebContents): SessionSlot => ({
    get credential() {
      return credentials.get(sender.id) ?? null;
    },
    adopt(secret) {
      if (secret === null) credentials.delete(sender.id);
      else credentials.set(sender.id, secret);
      connections.get(sender.id)?.notify('session.changed', core.identity.principalFor(secret));
    },
  });
  // A window whose credential ended (revoked, signed out in another window) forgets it and is told it is nobody now.
  const stopWatchingCredentials = core.identity.onChange(({ credentialId }) => {
    for (const [senderId, secret] of credentials) {
      const principal = core.identity.principalFor(secret);
      if (principal.kind === 'anonymous') credentials.delete(senderId);
      else if (principal.credentialId !== credentialId) continue;
      connections.get(senderId)?.notify('session.changed', principal);
    }
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
        (event) => mayReceive(core.identity.principalFor(credentials.get(sender.id) ?? null), event),
      );
      connections.set(sender.id, connection);
      sender.once('destroyed', () => {
        connections.get(sender.id)?.dispose();
        connections.delete(sender.id);
        credentials.delete(sender.id);
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
      session: slotOf(event.sender),
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
