/**
 * The renderer's Content Security Policy, one definition for both hosts (HTTP header on the web host, protocol
 * response header under Electron). No inline or remote script, no eval; the map library's worker may start from a
 * blob: bootstrap, everything else comes from the app's own origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
