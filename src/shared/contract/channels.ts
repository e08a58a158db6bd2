/** Electron IPC channel names: one for calls, two for subscriptions, one for pushed events. Kept free of imports
 * so the sandboxed preload bundles nothing else. */
export const ipcChannels = {
  call: 'zhili:call',
  subscribe: 'zhili:subscribe',
  unsubscribe: 'zhili:unsubscribe',
  event: 'zhili:event',
} as const;

/** The origin the Electron renderer is served from (a privileged standard scheme, never file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'zhili';
