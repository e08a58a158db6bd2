import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import { parseHostConfig } from '../../node/host-config.js';
import { takeOptions } from '../../node/take-options.js';
import { runUntilSignalled } from '../../node/process-lifecycle.js';
import { StartupError, errorMessage } from '../../node/startup-error.js';
import { readPemFile } from '../../node/tls/index.js';
import { INGEST_TOPIC_ROOT } from '../../shared/ingest/index.js';
import { loadFeedWorld } from '../feed/load-feed-world.js';
import { CitySimulator, DEMO_SIMULATOR_SEED, type SimulatedMessage } from './city-simulator.js';

/**
 * `npm run simulate`: the demo city's devices as a process of their own, publishing to a backend's broker
 * (`--mqtt-url`, with the source's credential as `--mqtt-username` and `--mqtt-password-file`) or its HTTP ingestion
 * (`--backend-url` with `--backend-token-file`), as a site's devices and platforms would. Run the backend with
 * `--simulator none` so the city is not simulated twice.
 */
const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** At most this many HTTP posts in flight: a platform's webhook client, not a flood. */
const HTTP_CONCURRENCY = 32;
/** A backend that does not answer a post within this is counted as refusing it, so the simulator never stalls. */
const HTTP_TIMEOUT_MS = 10_000;

type Publish = (message: SimulatedMessage) => Promise<void>;

await runUntilSignalled('simulate', async () => {
  const { values: extra, rest } = takeOptions(process.argv.slice(2), { seed: { type: 'string' }, 'tick-ms': { type: 'string' }, ticks: { type: 'string' } });
  const config = parseHostConfig({ argv: rest, env: process.env, defaultPort: 0 });
  const number = (name: string, fallback: number, min: number): number => {
    const value = extra[name] === undefined ? fallback : Number(extra[name]);
    if (!Number.isInteger(value) || value < min) throw new StartupError(`--${name} takes a whole number from ${min}.`);
    return value;
  };
  const seed = number('seed', DEMO_SIMULATOR_SEED, 0);
  const tickMs = number('tick-ms', 1000, 50);
  const ticks = number('ticks', 0, 0);

  const publish = await connect(config);
  const simulator = new CitySimulator(loadFeedWorld(config.cityDir ?? join(appRoot, 'resources', 'city', 'generated')), seed);
  let sent = 0;
  let failed = 0;
  let tick = 0;
  let stopped = false;
  const step = async () => {
    tick += 1;
    const results = await Promise.allSettled(simulator.step(new Date()).map((message) => publish.send(message)));
    for (const result of results) {
      if (result.status === 'fulfilled') sent += 1;
      else if (failed++ % 1000 === 0) console.error(`Zhili simulator: a message was refused (${errorMessage(result.reason)}); ${failed} so far`);
    }
    if (ticks > 0 && tick >= ticks) {
      console.log(`Zhili simulator: sent ${sent} messages in ${tick} ticks (${failed} refused)`);
      process.kill(process.pid, 'SIGTERM');
    }
  };
  console.log(`Zhili simulator: publishing the demo city to ${publish.target} every ${tickMs} ms`);
  // One tick at a time: a slow broker delays the next tick rather than piling ticks up.
  const loop = async () => {
    while (!stopped) {
      const started = Date.now();
      await step();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, tickMs - (Date.now() - started))));
    }
  };
  const running = loop();
  return async () => {
    stopped = true;
    await running;
    await publish.close();
  };
});

async function connect(config: ReturnType<typeof parseHostConfig>): Promise<{ target: string; send: Publish; close(): Promise<void> }> {
  if (config.mqtt.kind === 'external') {
    const { url, username, password, caFile } = config.mqtt;
    try {
      const client = await connectAsync(url, {
        ...(username !== null ? { username } : {}),
        ...(password !== null ? { password } : {}),
        ...(caFile !== null ? { ca: readPemFile(caFile, '--mqtt-ca-file') } : {}),
        reconnectPeriod: 1000,
        connectTimeout: 10_000,
      });
      return {
        target: url,
        send: async ({ topic, payload }) => void (await client.publishAsync(topic, JSON.stringify(payload), { qos: 0 })),
        close: () => client.endAsync(),
      };
    } catch (error) {
      throw new StartupError(`The simulator could not connect to the MQTT broker ${url} (${errorMessage(error)}): check --mqtt-url, --mqtt-username and --mqtt-password-file.`);
    }
  }
  if (config.backendUrl !== null && config.backendToken !== null) {
    const base = config.backendUrl.replace(/^ws/, 'http').replace(/\/$/, '');
    const token = config.backendToken;
    let inFlight = 0;
    const waiting: (() => void)[] = [];
    return {
      target: `${base}/ingest/v1/`,
      send: async ({ topic, payload }) => {
        if (inFlight >= HTTP_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
        inFlight += 1;
        try {
          const response = await fetch(`${base}/ingest/v1/${topic.slice(INGEST_TOPIC_ROOT.length + 1)}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(payload),
            signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
          });
          if (response.status !== 202) throw new Error(`${response.status} ${await response.text()}`);
        } finally {
          inFlight -= 1;
          waiting.shift()?.();
        }
      },
      close: async () => undefined,
    };
  }
  throw new StartupError(
    'Tell the simulator where to publish: --mqtt-url mqtt://host:port with --mqtt-username <source> and --mqtt-password-file <its credential file>, or --backend-url http(s)://host:port with --backend-token-file <the source credential file>.',
  );
}
