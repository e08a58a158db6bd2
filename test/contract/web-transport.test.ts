import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe } from 'vitest';
import { startConsole, type StartedConsole } from '../../src/main/compose/start-console.js';
import { startWebServer, type WebServer } from '../../src/main/web/web-server.js';
import { parseHostConfig } from '../../src/node/host-config.js';
import { createWebSocketBridge, type WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { repoRoot } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { TEST_ADMIN_PASSWORD, signInBridge } from '../helpers/identity.js';
import { waitUntil } from '../helpers/wait.js';
import { hostContractSuite, type ContractHost } from './host-contract.js';

/**
 * The contract over the web transport: the real console core and embedded backend, the real web server, and the
 * renderer's own WebSocket client (with Node's `ws` standing in for the browser's WebSocket class).
 */
describe('host contract over the web transport', () => {
  let work: string;
  let started: StartedConsole;
  let server: WebServer;
  let bridges: WebSocketBridge[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-contract-'));
    const config = parseHostConfig({ argv: ['--port', '0', '--data-dir', work, '--sip-server', 'none', '--demo-ptz-cameras', '0'], env: { ZHILI_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD }, defaultPort: 0 });
    started = await startConsole({ config, host: 'web', appVersion: '0.1.0', cityDir: testCityDir(), videoDir: join(repoRoot, 'resources', 'video', 'demo'), plansDir: join(repoRoot, 'plans') });
    server = await startWebServer({
      core: started.core,
      host: config.host,
      port: 0,
      rendererDir: join(work, 'no-renderer'),
      logger: started.logger,
    });
    const url = `ws://127.0.0.1:${server.port}/api/ws`;
    bridges = [
      createWebSocketBridge(url, WebSocket as unknown as typeof globalThis.WebSocket),
      createWebSocketBridge(url, WebSocket as unknown as typeof globalThis.WebSocket),
    ];
    await Promise.all(
      bridges.map(
        (bridge) =>
          new Promise<void>((resolve) => {
            if (bridge.linkState() === 'connected') return resolve();
            const off = bridge.onLinkState((state) => state === 'connected' && (off(), resolve()));
          }),
      ),
    );
    for (const bridge of bridges) await signInBridge(bridge);
    // The core reaches its embedded backend asynchronously; the suite expects a connected backend.
    await waitUntil(() => started.core.backend.getStatus().state, (state) => state === 'connected', 'the embedded backend to connect', 30_000);
  });

  afterAll(async () => {
    for (const bridge of bridges) bridge.dispose();
    await server?.close();
    await started?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  hostContractSuite((): ContractHost => ({ first: bridges[0] as WebSocketBridge, second: bridges[1] as WebSocketBridge }));
});
