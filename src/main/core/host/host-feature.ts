import { basemapOrigin, type BasemapSource } from '../../../shared/domain/basemap-source.js';
import type { SipServerInfo } from '../../../shared/dispatch/sip-account.js';
import { contentSecurityPolicy, httpOrigin, webSocketOrigin } from '../../../shared/security/content-security-policy.js';
import type { CoreContext, CoreFeature } from '../core-context.js';

export interface HostSurfaceOptions {
  basemap: BasemapSource;
  /** The backend's URL, its CA (when it is served with a private one), and its SIP server known before its first hello. */
  backend: { url: string; ca?: string; sipServer?: SipServerInfo | null };
}

/** What the hosts serve besides the contract: the windows' CSP, the city files, the backend's media and SIP server. */
export interface HostSurface extends CoreFeature<'host.info'> {
  /** The backend's media URL a window asked the web host for (`/media/…` with its signature), with the CA to trust. */
  backendMediaTarget(pathAndQuery: string): { url: URL; ca?: string };
  /** Where the city file a window asks for at `/city/<path>` lies, or null when the build has no such file. */
  cityFilePath(path: string): string | null;
  /** Origins beyond its own that a window may fetch from (the basemap's tiles, the backend's camera streams): the CSP. */
  contentSecurityPolicy(): string;
  /** The SIP server's WebSocket URL (the embedded backend's before the first hello), which the web host relays its pages to; null: none. */
  sipServerUrl(): string | null;
}

export function hostSurface(ctx: CoreContext, options: HostSurfaceOptions): HostSurface {
  const backendOrigin = httpOrigin(options.backend.url);
  const ca = options.backend.ca ? { ca: options.backend.ca } : {};
  const sipServerUrl = () => (ctx.backend.sipServer().info ?? options.backend.sipServer)?.wsServer ?? null;
  const electron = ctx.info.host === 'electron';
  return {
    handlers: { 'host.info': () => ctx.info },
    backendMediaTarget: (pathAndQuery) => ({ url: new URL(pathAndQuery, backendOrigin ?? ''), ...ca }),
    cityFilePath: (path) => ctx.city.servedFilePath(path),
    // Web pages reach the backend's media and SIP through the host's own origin (its /media and /sip relays, covered
    // by 'self'); Electron windows go to the backend and the SIP server themselves.
    contentSecurityPolicy: () =>
      contentSecurityPolicy([basemapOrigin(options.basemap), electron ? backendOrigin : null, electron ? webSocketOrigin(sipServerUrl() ?? '') : null].filter((origin) => origin !== null)),
    sipServerUrl,
  };
}
