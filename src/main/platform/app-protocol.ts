import { net, protocol } from 'electron';
import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_HOST, APP_SCHEME } from '../../shared/contract/channels.js';
import { CITY_FILES_PATH } from '../../shared/city/city-files-path.js';
import { isRendererPage } from '../../shared/domain/pages.js';

/** Must run before `app` is ready: the renderer's origin is a secure standard scheme, never file://. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/**
 * Serves the built renderer at app://zhili/, with role paths answered by index.html and the CSP on every reply, and
 * the city build's files at app://zhili/city/ (`cityFilePath` is null for a path the build does not list). `csp` gives
 * the policy for this configuration (the core's, once it has started).
 */
export function serveRenderer(rendererDir: string, cityFilePath: (path: string) => string | null, csp: () => string): void {
  const root = normalize(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
    const isPage = isRendererPage(url.pathname);
    const isCityFile = url.pathname.startsWith(CITY_FILES_PATH);
    let file: string | null;
    try {
      file = isCityFile
        ? cityFilePath(decodeURIComponent(url.pathname.slice(CITY_FILES_PATH.length)))
        : normalize(join(root, isPage ? 'index.html' : decodeURIComponent(url.pathname)));
    } catch (error) {
      // A damaged city build or a malformed escape: say which, as the web host does.
      return new Response(error instanceof Error ? error.message : 'Bad request', { status: error instanceof URIError ? 400 : 503 });
    }
    if (file === null || (!isCityFile && !file.startsWith(root + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      return new Response('Not found', { status: 404 });
    }
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', csp());
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
