// Bundles the Node-side entry points with esbuild. npm packages stay external (installed beside the app), except in
// the sandboxed preload, which may load nothing but `electron` and so carries its few imports inline.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  define: { __ZHILI_VERSION__: JSON.stringify(pkg.version) },
};

await Promise.all([
  build({ ...common, entryPoints: ['src/main/web/main.ts'], outfile: 'out/main/web-host.mjs', format: 'esm', packages: 'external' }),
  build({ ...common, entryPoints: ['src/backend/main.ts'], outfile: 'out/backend/backend.mjs', format: 'esm', packages: 'external' }),
  build({ ...common, entryPoints: ['src/backend/simulator/main.ts'], outfile: 'out/backend/simulate.mjs', format: 'esm', packages: 'external' }),
  build({ ...common, entryPoints: ['src/main/index.ts'], outfile: 'out/main/electron.cjs', format: 'cjs', packages: 'external' }),
  build({ ...common, entryPoints: ['src/preload/index.ts'], outfile: 'out/preload/index.cjs', format: 'cjs', external: ['electron'] }),
]);
