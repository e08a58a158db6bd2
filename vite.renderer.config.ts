import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from './src/shared/security/content-security-policy.js';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * The same policy as the hosts' response header, also as a <meta> in the page, so it holds wherever the file is
 * opened. `frame-ancestors` is header-only (browsers warn about it in a meta), so it stays in the header.
 */
function cspMeta(): Plugin {
  const policy = CONTENT_SECURITY_POLICY.split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
  return {
    name: 'zhili-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  root: 'src/renderer',
  // Relative asset URLs serve both hosts: http://host/<role> and app://zhili/<role>.
  base: './',
  plugins: [react(), cspMeta()],
  define: { __ZHILI_VERSION__: JSON.stringify(pkg.version) },
  build: {
    outDir: '../../out/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2500,
    // Inline assets would need `data:` in more CSP directives; keep every asset a file.
    assetsInlineLimit: 0,
  },
});
