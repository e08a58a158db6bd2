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
