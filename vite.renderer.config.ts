import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  root: 'src/renderer',
  // Relative asset URLs serve both hosts: http://host/<role> and app://zhili/<role>.
  base: './',
  // No <meta> CSP: both hosts send the policy as a header on every page, and only they know the origins the operator
  // configured (a customer basemap); a meta copy would intersect with it and block them.
  plugins: [react()],
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
