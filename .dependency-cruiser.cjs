/**
 * Import boundaries by runtime (see ../shared/notes/architecture.md). Each rule names the layer it protects; an
 * exception would be a named path here, and the list only shrinks.
 */
const nodeBuiltins = { dependencyTypes: ['core'] };

module.exports = {
  forbidden: [
    {
      name: 'shared-is-portable',
      comment: 'src/shared runs in every runtime: no Node built-ins, no Electron, no DOM; of npm only the portable zod and yaml.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { pathNot: ['^src/shared/', '^node_modules/zod/', '^node_modules/yaml/'] },
    },
    {
      name: 'shared-no-node',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: nodeBuiltins,
    },
    {
      name: 'node-lib-is-node-only',
      comment: 'src/node (SQLite, logs, config) is used by the console core and the backend; it never reaches up into them.',
      severity: 'error',
      from: { path: '^src/node/' },
      to: { path: ['^src/main/', '^src/backend/', '^src/renderer/', '^src/preload/', '^node_modules/electron/'] },
    },
    {
      name: 'core-never-imports-electron',
      comment: 'src/main/core is the portable console: plain Node, testable here, shared by both hosts.',
      severity: 'error',
      from: { path: '^src/main/core/' },
      to: { path: ['^electron$', '^node_modules/electron/', '^src/main/(platform|ipc|windows|web|compose)/', '^src/main/index', '^src/backend/', '^src/renderer/', '^src/preload/'] },
    },
    {
      name: 'no-electron-outside-electron-glue',
      comment: 'Only the Electron composition root, its adapters, IPC, windows and preload may import electron.',
      severity: 'error',
      from: { pathNot: ['^src/main/(index\\.ts|platform/|ipc/|windows/)', '^src/preload/'] },
      to: { path: ['^electron$', '^node_modules/electron/'] },
    },
    {
      name: 'web-host-is-node-only',
      severity: 'error',
      from: { path: '^src/main/(web|compose)/' },
      to: { path: ['^src/main/(platform|ipc|windows)/', '^src/main/index', '^src/renderer/', '^src/preload/'] },
    },
    {
      name: 'backend-shares-only-shared',
      comment: 'The backend is another program: it shares the protocol in src/shared and the Node library in src/node, nothing of the console.',
      severity: 'error',
      from: { path: '^src/backend/' },
      to: { path: ['^src/main/', '^src/renderer/', '^src/preload/', '^node_modules/electron/'] },
    },
    {
      name: 'renderer-is-a-browser',
      comment: 'The renderer is untrusted web content: no Node built-ins, no Electron, no host code; it reaches the host through bridge/ only.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: ['^src/main/', '^src/backend/', '^src/node/', '^src/preload/', '^node_modules/electron/'] },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: nodeBuiltins,
    },
    {
      name: 'only-bridge-touches-the-host-transport',
      severity: 'error',
      from: { path: '^src/renderer/', pathNot: '^src/renderer/bridge/' },
      to: { path: '^src/shared/contract/(wire|channels)\\.ts$' },
    },
    {
      name: 'preload-exposes-the-contract-only',
      severity: 'error',
      from: { path: '^src/preload/' },
      to: { pathNot: ['^src/shared/contract/', '^electron$', '^node_modules/electron/'] },
    },
    {
      name: 'features-meet-at-their-index',
      comment:
        'A feature of the console core (src/main/core/<feature>/) or of the renderer (src/renderer/features/<feature>/) reaches another of its runtime only through its public index.ts. The core context (core-context.ts) is the kernel every core feature is built on and names the services it carries.',
      severity: 'error',
      from: { path: '^src/(main/core|renderer/features)/([^/]+)/' },
      to: { path: '^src/$1/[^/]+/', pathNot: ['^src/$1/$2/', '^src/$1/[^/]+/index\\.ts$'] },
    },
    {
      name: 'hosts-reach-core-features-at-their-index',
      comment: 'The hosts (Electron glue, the web host, the composition) use the core through its composition root and the features public index.ts.',
      severity: 'error',
      from: { path: '^src/main/', pathNot: '^src/main/core/' },
      to: { path: '^src/main/core/[^/]+/', pathNot: '^src/main/core/[^/]+/index\\.ts$' },
    },
    {
      name: 'renderer-reaches-features-at-their-index',
      comment:
        'The rest of the renderer (its model, root, entry, shared UI) uses a feature through its index.ts.',
      severity: 'error',
      from: { path: '^src/renderer/', pathNot: ['^src/renderer/features/', '^src/renderer/i18n/catalogue\\.ts$'] },
      to: { path: '^src/renderer/features/[^/]+/', pathNot: '^src/renderer/features/[^/]+/index\\.ts$' },
    },
    {
      name: 'catalogue-reads-only-message-tables',
      comment: 'The translation catalogue gathers each feature\'s messages.ts, and nothing else of a feature.',
      severity: 'error',
      from: { path: '^src/renderer/i18n/catalogue\\.ts$' },
      to: { path: '^src/renderer/features/[^/]+/', pathNot: '^src/renderer/features/[^/]+/messages\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle of imports that exist at run time; a type-only import is erased, so it cannot make one.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-unresolvable',
      comment: 'electron is optional (its binary cannot be downloaded everywhere), so it may be absent from node_modules.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^electron$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.tsx?$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
