/**
 * The renderer's Content Security Policy, one definition for both hosts (HTTP header on the web host, protocol
 * response header under Electron). No inline or remote script, no eval; the map library's worker may start from a
 * blob: bootstrap, everything else comes from the app's own origin, plus the origins of what the operator configured
 * (a customer basemap), which the map may fetch tiles, styles and glyphs from but never run code from.
 */
export function contentSecurityPolicy(fetchOrigins: readonly string[] = []): string {
  const extra = fetchOrigins.map((origin) => ` ${origin}`).join('');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${extra}`,
    "font-src 'self' data:",
    `connect-src 'self'${extra}`,
    "worker-src 'self' blob:",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The http(s) origin of a URL a page fetches from, for the policy (a ws(s) URL is served by the same server over
 * http(s)); null when it is not such a URL. Shared code has no typed URL class, hence the pattern.
 */
export function httpOrigin(url: string): string | null {
  const match = /^(https?|wss?):\/\/([^/\s?#]+)/.exec(url);
  if (!match) return null;
  return `${(match[1] as string).replace(/^ws/, 'http')}://${match[2] as string}`;
}

/** The ws(s) origin of a WebSocket URL (the SIP server's), for connect-src; null when it is not one. */
export function webSocketOrigin(url: string): string | null {
  const match = /^(wss?):\/\/([^/\s?#]+)/.exec(url);
  return match ? `${match[1] as string}://${match[2] as string}` : null;
}
