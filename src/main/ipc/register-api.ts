import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcChannels } from '../../shared/contract/channels.js';
import { apiError, type ApiResponse } from '../../shared/contract/errors.js';
import { roleFromPath } from '../../shared/domain/roles.js';
import type { Logger } from '../../node/logger.js';
import type { ConsoleCore } from '../core/console-core.js';
import type { HubConnection } from '../core/api/event-hub.js';
import { isAppUrl } from '../windows/app-url.js';

type ApiIpcMain = Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeAllListeners'>;

/**
 * The Electron transport of the host contract. Every message is checked to come from a frame of our own app
 * origin; the core's dispatcher then parses the payload exactly as it does for the web host.
 */
export function registerApiIpc(ipcMain: ApiIpcMain, core: ConsoleCore, logger: Logger): () => void {
  const connections = new Map<number, HubConnection>();

  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent): boolean => {
    const url = event.senderFrame?.url;
    if (url !== undefined && isAppUrl(url)) return true;
    logger.warn('ignored IPC from an untrusted frame', { url });
    return false;
  };

  const connectionOf = (sender: WebContents): HubConnection => {
    let connection = connections.get(sender.id);
    if (!connection) {
      connection = core.hub.connect((event, payload) => {
        if (!sender.isDestroyed()) sender.send(ipcChannels.event, event, payload);
      });
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
    ipcMain.removeHandler(ipcChannels.call);
    ipcMain.removeAllListeners(ipcChannels.subscribe);
    ipcMain.removeAllListeners(ipcChannels.unsubscribe);
    for (const connection of connections.values()) connection.dispose();
    connections.clear();
  };
}
