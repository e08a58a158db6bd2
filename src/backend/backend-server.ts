import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from 'socket.io';
import {
  BACKEND_PROTOCOL_VERSION,
  BackendHandshakeSchema,
  type BackendClientToServerEvents,
  type BackendHello,
  type BackendServerToClientEvents,
  DEMO_MEDIA_PATH,
} from '../shared/backend/protocol.js';
import { listen } from '../node/listen.js';
import { createHostServer, refuseUnservedHosts, servedNames, type ServedNames, type TlsCredentials } from '../node/tls/index.js';
import { processHealth } from '../node/health.js';
import { guardRequests, guardServer, requestUrl, sendFileStream, sendPlainText } from '../node/http-safety.js';
import { DemoStreams } from './media/demo-hls.js';
import { CameraCatalogue, readCamerasConfig } from './media/camera-catalogue.js';
import { relayHls } from './media/hls-relay.js';
import { MediaUrlSigner } from './media/signed-media-urls.js';
import { ConsoleCredentials } from './consoles/index.js';
import { startSfuFor, type Sfu } from './media/sfu.js';
import { PtzHeads } from './media/ptz/ptz-heads.js';
import { ffmpegInstalled } from './media/live-encoding.js';
import { DEFAULT_DEMO_PTZ_CAMERAS } from '../node/host-config.js';
import { CamerasFileSchema as CityCamerasFileSchema } from '../shared/city/index.js';
import { RELAY_MEDIA_PATH } from '../shared/media/cameras.js';
import type { Logger } from '../node/logger.js';
import { backendStoreLocation, openBackendStore } from './db/backend-store.js';
import { IncidentRepository, type IncidentWriteHealth } from './db/incident-repository.js';
import { SyncStore } from './db/sync-store.js';
import { serveBackendMethods, type BackendHandlers } from './backend-methods.js';
import { CityRegistry } from './registry/index.js';
import { CitySimulator, DEMO_SIMULATOR_SEED, SimulatedCaseWork } from './simulator/index.js';
import { loadFeedWorld, readCityFile } from './feed/load-feed-world.js';
import { SipService } from './sip/sip-service.js';
import { guardedSocketParser } from './guarded-socket-parser.js';
import { shortened } from '../shared/contract/errors.js';
import type { SipServerInfo, SipServerSetting } from '../shared/dispatch/sip-account.js';
import type { MqttSetting } from '../node/host-config.js';
import { systemClock } from '../shared/clock/index.js';
import { startIngestion } from './ingest/index.js';
import type { IngestStats } from '../shared/ingest/index.js';
import { errorMessage } from '../node/startup-error.js';

export interface BackendOptions {
  host: string;
  port: number;
  dataDir: string;
  /** The built demo city (resources/city/generated). */
  cityDir: string;
  /** The demo cameras' clips (resources/video/demo), served as live HLS at /media/demo/. */
  videoDir: string;
  /** The deployment's cameras file (`--cameras`), read and checked at start; null: the demo cameras only. */
  camerasFile: string | null;
  /**
   * The credential of the console this backend runs inside (the embedded backend), admitted for this process only and
   * never stored; null for the standalone backend, whose consoles are enrolled in its database (--enrol-console).
   */
  inProcessConsoleCredential: string | null;
  appVersion: string;
  logger: Logger;
  /** The SIP server dispatch registers with; default: none (the entry points choose the local kamailio). */
  sip?: SipServerSetting;
  /** Demo city cameras with a head that become live virtual PTZ cameras (0: none; see `--demo-ptz-cameras`). */
  demoPtzCameras?: number;
  /** HTTPS/wss with these (the standalone backend beyond loopback); default: plain HTTP. */
  tls?: TlsCredentials | null;
  /** The names consoles address it by (Host); default: the loopback names and `host`. */
  served?: ServedNames;
  tickMs?: number;
  seed?: number;
  /** How devices and systems reach it over MQTT (`--mqtt-port`, `--mqtt-url`); default: no MQTT, HTTP only. */
  mqtt?: MqttSetting;
  /** Whether the backend simulates the demo city's devices (default) or takes every device's messages from ingestion. */
  simulator?: 'embedded' | 'none';
  /** A site's PostgreSQL database (`--database-url`); default (null): SQLite in `dataDir`, as the embedded backend keeps it. */
  databaseUrl?: string | null;
}

export interface RunningBackend {
  readonly url: string;
  readonly port: number;
  /** The SIP server dispatch registers with (null: none, see the log for why). */
  readonly sipServer: SipServerInfo | null;
  /** What /healthz shows of the backend's own parts: incidents reaching the disk, and the SFU's worker and feeds. */
  health(): { incidentWrites: IncidentWriteHealth; sfu: ReturnType<Sfu['health']> | null };
  /** How devices reach it (its own broker's port, a site's broker, or none) and what each source sent. */
  ingestion(): IngestStats;
  close(): Promise<void>;
}

const REVOCATION_SWEEP_MS = 5000;
/** What the embedded backend's own console is called in its log. */
const IN_PROCESS_CONSOLE_NAME = 'embedded-console';

/**
 * The command-centre backend: a socket.io server with the live city feed, the crew directory and the incident list.
 * It runs inside a console (the embedded default) or alone (`npm run backend`) for several consoles to share.
 */
export async function startBackend(options: BackendOptions): Promise<RunningBackend> {
  const { logger } = options;
  const world = loadFeedWorld(options.cityDir);
  const store = await openBackendStore(backendStoreLocation(options.dataDir, options.databaseUrl ?? null), { logger: logger.child('store') });
  const incidents = new IncidentRepository(store, logger);
  const registry = new CityRegistry(world, await incidents.recent());
  const simulator = options.simulator === 'none' ? null : new CitySimulator(world, options.seed ?? DEMO_SIMULATOR_SEED, (crewId) => registry.crewReportsForItself(crewId));
  // The demo city's crews work the alarms raised on it, wherever its devices are simulated (here or `npm run simulate`).
  const caseWork = world.synthetic ? new SimulatedCaseWork(registry) : null;
  const sync = new SyncStore(store, logger.child('sync'));
  const consoles = new ConsoleCredentials(store);
  if (options.inProcessConsoleCredential !== null) consoles.admitInMemory(IN_PROCESS_CONSOLE_NAME, options.inProcessConsoleCredential);
  const mediaUrls = new MediaUrlSigner();
  const startedAt = new Date().toISOString();
  const sip = new SipService(options.sip ?? { kind: 'none' }, options.dataDir, logger.child('sip'));
  await sip.start();

  const camerasConfig = options.camerasFile === null ? null : readCamerasConfig(options.camerasFile);
  const cityCameras = readCityFile(options.cityDir, 'cameras.json', CityCamerasFileSchema).cameras;
  const cameras = new CameraCatalogue(cityCameras, camerasConfig);
  const demoPtzCameras = options.demoPtzCameras ?? DEFAULT_DEMO_PTZ_CAMERAS;
  const sfu = await startSfuFor(cameras.rtpFeeds(), camerasConfig?.webrtc, logger.child('sfu'), demoPtzCameras > 0 && ffmpegInstalled());
  const requireSfu = (): Sfu => {
    if ('unavailable' in sfu) throw new Error(sfu.unavailable);
    return sfu;
  };
  const ptz = await PtzHeads.start(cityCameras, camerasConfig, cameras, sfu, demoPtzCameras, logger.child('ptz'));
  const stopSfu = () => {
    ptz.dispose();
    if (!('unavailable' in sfu)) sfu.stop();
  };
  // Devices and the city's systems reach the system of record through ingestion only.
  const ingest = await startIngestion({ mqtt: options.mqtt ?? { kind: 'none' }, store, target: registry, clock: systemClock, logger: logger.child('ingest') });
  const demoStreams = new DemoStreams(options.videoDir);
  if (!demoStreams.available) logger.warn('no demo camera clips: the video wall will show its cameras offline', { videoDir: options.videoDir });
  const partsHealth = () => ({ incidentWrites: incidents.writeHealth(), sfu: 'unavailable' in sfu ? null : sfu.health() });
  /** Parts out of service now, each with why; they leave the list when they are back. */
  const currentOutages = (): { part: string; reason: string }[] => {
    const { incidentWrites, sfu: sfuHealth } = partsHealth();
    const sipOutage = sip.outage();
    const ingestOutage = ingest.outage();
    return [
      ...(sipOutage === null ? [] : [{ part: 'sip', reason: sipOutage }]),
      ...(ingestOutage === null ? [] : [{ part: 'mqtt', reason: ingestOutage }]),
      ...(incidentWrites.ok ? [] : [{ part: 'incident-store', reason: `writes failing since ${incidentWrites.failingSince ?? '?'}: ${incidentWrites.lastError ?? ''} (${incidentWrites.pending} kept in memory)` }]),
      ...(sfuHealth?.worker === 'restarting' ? [{ part: 'sfu', reason: `the mediasoup worker is restarting (${sfuHealth.workerRestarts} restarts)` }] : []),
    ];
  };
  const http = createHostServer(options.tls ?? null, guardRequests((request, response) => {
    const url = requestUrl(request, 'http://backend.invalid');
    if (url === null) {
      logger.warn('refused a request whose target is not a URL', { address: request.socket.remoteAddress });
      return sendPlainText(response, 400, 'Malformed request target.');
    }
    if (request.method === 'GET' && url.pathname === '/healthz') {
      // A degraded backend still answers 200: its consoles keep working, and the body says what went wrong.
      response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      // Faults survived (sticky until a restart) and parts out of service now (gone when they are back).
      const health = processHealth.report();
      const outages = currentOutages();
      const status = health.status === 'ok' && outages.length === 0 ? 'ok' : 'degraded';
      return void response.end(JSON.stringify({ ...health, status, outages, app: 'zhili', role: 'backend', version: options.appVersion, startedAt, ingestion: ingestionHealth(ingest.stats()) }));
    }
    if (ingest.handleRequest(request, response, url)) return;
    if (request.method === 'GET' && url.pathname.startsWith('/media/')) return serveMedia(request, url, response, { streams: demoStreams, cameras, mediaUrls, logger });
    sendPlainText(response, 404, 'Zhili backend: consoles connect over socket.io.');
  }, logger));
  guardServer(http, logger);
  const io = new Server<BackendClientToServerEvents, BackendServerToClientEvents>(http, {
    serveClient: false,
    transports: ['websocket'],
    maxHttpBufferSize: 1e6,
    parser: guardedSocketParser(logger),
    // Consoles connect from Node (socket.io-client), which sends no Origin; a browser always does. Refusing every
    // request that carries one keeps web pages (a console's own windows included) from reaching the backend directly.
    allowRequest: (request, decide) => {
      const origin = request.headers.origin;
      if (origin === undefined) return decide(null, true);
      logger.warn('refused a connection from a web page', { origin: shortened(origin), address: request.socket.remoteAddress });
      decide('Consoles connect without an Origin header.', false);
    },
  });

  let closing = false;
  io.engine.on('connection', (connection: { id: string; remoteAddress: string; once(event: 'close', listener: (reason: string, description?: unknown) => void): unknown }) => {
    connection.once('close', (reason, description) => {
      // The engine's reasons for a peer that broke the protocol: a frame over the cap or not UTF-8 (transport error,
      // as is a connection reset mid-write), an undecodable Engine.IO packet (parse error), a socket.io packet refused
      // or out of place (forced close).
      if (closing || reason === 'transport close' || reason === 'ping timeout') return;
      logger.warn('closed a connection on a protocol or transport error', {
        reason,
        error: description instanceof Error ? description.message : undefined,
        sid: connection.id,
        address: connection.remoteAddress,
      });
    });
  });
  // Consoles use the main namespace only; socket.io would refuse any other without a word.
  io.of((name, _auth, next) => {
    logger.warn('rejected a connection to an unknown namespace', { namespace: shortened(name) });
    next(null, false);
  });

  io.use((socket, next) => {
    const refuse = (reason: string, message: string) => {
      logger.warn('rejected a console handshake', { reason, address: socket.handshake.address });
      next(refusal(reason, message));
    };
    const handshake = BackendHandshakeSchema.safeParse(socket.handshake.auth);
    if (!handshake.success) return refuse('bad-handshake', 'The console sent no valid Zhili handshake.');
    if (handshake.data.protocol !== BACKEND_PROTOCOL_VERSION) {
      return refuse(
        'incompatible-protocol',
        `This backend speaks protocol ${BACKEND_PROTOCOL_VERSION}, the console ${handshake.data.protocol}: install the same Zhili version on both.`,
      );
    }
    const { credential, consoleId } = handshake.data;
    consoles.authenticate(credential, consoleId).then(
      (authentication) => {
        if (!authentication.ok) {
          logger.warn('refused a console credential', { detail: authentication.detail, address: socket.handshake.address });
          const sharedCredential = authentication.detail === 'bound-to-another-console' || authentication.detail === 'console-id-taken';
          return refuse(
            'unauthorized',
            sharedCredential
              ? 'This credential belongs to another console: enrol each console with a credential of its own.'
              : 'The console has no valid credential for this backend: enrol it there (--enrol-console <name> --credential-out <file>) and give the console that file with --backend-token-file.',
          );
        }
        // From here on the console is who its credential says, whatever else the handshake claims.
        socket.data = { consoleId: authentication.consoleId, consoleName: authentication.name, credential };
        next();
      },
      (error: unknown) => {
        // The database out of reach: not the console's fault, and it keeps trying to connect (any other reason).
        logger.error('could not check a console credential', { error: errorMessage(error) });
        refuse('unavailable', 'The backend cannot check credentials now: the console connects again by itself.');
      },
    );
  });

  // A credential revoked while its console is connected (--revoke-console works on the database, from another
  // process) ends that connection within this period: the console is told it is no longer admitted.
  let sweeping = false;
  const revocationSweep = setInterval(() => {
    // A slow database must not start a second sweep over the same sockets.
    if (sweeping) return;
    sweeping = true;
    void (async () => {
      for (const socket of io.sockets.sockets.values()) {
        const { consoleId, consoleName, credential } = socket.data as { consoleId: string; consoleName: string; credential?: string };
        if ((await consoles.authenticate(credential, consoleId)).ok) continue;
        logger.warn('closed the connection of a console whose credential was revoked', { consoleId, consoleName });
        socket.disconnect(true);
      }
    })()
      .catch((error: unknown) => logger.warn('could not check the connected consoles\' credentials; tried again at the next sweep', { error: errorMessage(error) }))
      .finally(() => {
        sweeping = false;
      });
  }, REVOCATION_SWEEP_MS);
  revocationSweep.unref();

  const hello = (): BackendHello => ({
    protocol: BACKEND_PROTOCOL_VERSION,
    serverVersion: options.appVersion,
    startedAt,
    city: { synthetic: world.synthetic, crews: world.crews.length, sensors: world.sensors.length, vehicles: world.vehicles.length },
    sip: sip.info(),
    sipUnavailableReason: sip.unavailableReason,
  });

  // Every method of the protocol, each given its request already checked (backend-methods.ts).
  const handlers: BackendHandlers = {
    hello,
    'sip:account': (request, { consoleId }) => {
      if (request.kind === 'dispatcher') return sip.dispatcherAccount(consoleId, request.displayName);
      const crew = registry.crews().find((entry) => entry.id === request.crewId);
      if (!crew) throw new Error(`No crew ${request.crewId} in the directory.`);
      return sip.account(crew.sipExtension, crew.name);
    },
    'crews:report': ({ crewId, ...report }) => registry.reportCrew(crewId, report, new Date()),
    'directory:crews': ({ text, onDutyOnly, districtAdcode, limit }) => {
      const needle = text?.trim().toLowerCase() ?? '';
      return registry
        .crews()
        .filter((crew) => !onDutyOnly || crew.status !== 'off-duty')
        .filter((crew) => !districtAdcode || crew.districtAdcode === districtAdcode)
        .filter((crew) => needle === '' || [crew.name, crew.leader, crew.speciality, crew.sipExtension, crew.id].some((field) => field.toLowerCase().includes(needle)))
        .slice(0, limit ?? 1000);
    },
    'feed:summary': () => registry.summary(new Date().toISOString()),
    'incidents:list': () => registry.incidentList(),
    'sensors:abnormal': () => registry.abnormalSensors(),
    'sensors:history': (sensorId) => registry.sensorHistory(sensorId),
    'ingest:stats': () => ingest.stats(),
    'incidents:inject-drill': async (injection, { consoleId }) => {
      const incident = registry.injectDrillIncident(injection, new Date());
      // Answered once stored: never rejects, and a failed write is kept and retried with the next tick's.
      await incidents.save([incident]);
      io.emit('incidents:changed', registry.incidentList());
      logger.info('drill incident injected', { consoleId, drillId: incident.drillId, incidentId: incident.id });
      return incident;
    },
    'incidents:register': async (report, { consoleId }) => {
      const incident = registry.registerIncident(report, new Date());
      await incidents.save([incident]);
      io.emit('incidents:changed', registry.incidentList());
      logger.info('incident registered by an operator', { consoleId, incidentId: incident.id, type: incident.type });
      return incident;
    },
    'sync:push': async (records, { consoleId }) => {
      const { stored, conflicts, refused, logged } = await sync.push(records, consoleId);
      // Every console, the sender too, gets the log in sequence order, so each moves its cursor without gaps.
      if (logged.length > 0) io.emit('sync:records', logged);
      for (const conflict of conflicts) io.emit('sync:conflict', conflict);
      return { stored, conflicts, refused };
    },
    'sync:pull': ({ after, limit }) => sync.pull(after, limit),
    'cameras:catalogue': () => [...cameras.list()],
    'media:sign': (paths) => paths.map((path) => mediaUrls.sign(path)),
    'ptz:command': (request) => ptz.command(request),
    'sfu:capabilities': () => requireSfu().capabilities(),
    'sfu:open': ({ streamId, rtpCapabilities }, { consoleId }) => requireSfu().open(consoleId, streamId, rtpCapabilities),
    'sfu:connect': async ({ sessionId, dtlsParameters }, { consoleId }) => {
      await requireSfu().connect(consoleId, sessionId, dtlsParameters);
      return null;
    },
    'sfu:close': ({ sessionId }, { consoleId }) => {
      requireSfu().close(consoleId, sessionId);
      return null;
    },
  };

  io.on('connection', (socket) => {
    const { consoleId, consoleName } = socket.data as { consoleId: string; consoleName: string };
    logger.info('console connected', { consoleId, consoleName, address: socket.handshake.address });
    // Events with no handler here are refused before socket.io emits them; socket.io listens to "error" itself (it
    // reports a socket's own errors there), so a console's "error" event is refused by name.
    socket.use(([event, ...args], next) => {
      if (typeof event === 'string' && event !== 'error' && socket.listenerCount(event) > 0) return next();
      logger.warn('rejected an unknown event', { consoleId, event: shortened(String(event)) });
      const reply: unknown = args.at(-1);
      if (typeof reply === 'function') reply({ ok: false, error: `Unknown event "${shortened(String(event))}".` });
    });
    serveBackendMethods(socket, handlers, { consoleId }, logger);
    socket.on('disconnect', (reason) => {
      logger.info('console disconnected', { consoleId, reason });
      if (!('unavailable' in sfu)) sfu.closeConsole(consoleId);
    });
  });

  const timer = setInterval(() => {
    const now = new Date();
    for (const { topic, payload } of simulator?.step(now) ?? []) ingest.ingestion.receiveSimulated(topic, payload);
    caseWork?.step(now);
    const step = registry.flush(now);
    io.emit('feed:tick', step.tick);
    io.emit('feed:summary', step.summary);
    // Never rejects: a failed write (a full disk, the database out of reach) is kept, retried here each tick, and shown in health().
    void incidents.save(step.changedIncidents);
    if (step.incidents) io.emit('incidents:changed', step.incidents);
  }, options.tickMs ?? 1000);
  // Never rejects: a failure is logged and the next hour tries again.
  void incidents.pruneClosed(new Date());
  const pruneTimer = setInterval(() => void incidents.pruneClosed(new Date()), 3_600_000);

  const served = options.served ?? servedNames(options.host, []);
  refuseUnservedHosts(http, served, logger);
  let port: number;
  try {
    port = await listen(http, options.host, options.port, 'backend');
  } catch (error) {
    clearInterval(timer);
    clearInterval(pruneTimer);
    stopSfu();
    await ingest.dispose();
    await store.close();
    await sip.close();
    throw error;
  }
  const url = `${options.tls ? 'https' : 'http'}://${served.primary}:${port}`;
  logger.info('backend listening', { url, crews: world.crews.length, sensors: world.sensors.length, vehicles: world.vehicles.length });

  return {
    url,
    port,
    sipServer: sip.info(),
    health: partsHealth,
    ingestion: () => ingest.stats(),
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        clearInterval(revocationSweep);
        clearInterval(timer);
        clearInterval(pruneTimer);
        void io.close(async () => {
          stopSfu();
          await ingest.dispose();
          // What the last ticks and requests changed reaches the store before it closes.
          await incidents.save([]);
          await store.close();
          void sip.close().then(resolve);
        });
      }),
  };
}

/**
 * What /healthz, which answers anyone who can reach the port, says of ingestion: whether devices can reach it and how
 * much arrives and is refused; which sources, their devices and what they sent stay behind a console's credential
 * (`ingest:stats`).
 */
function ingestionHealth(stats: IngestStats): { mqtt: IngestStats['mqtt']['kind']; sources: number; accepted: number; rejected: number } {
  const rejected = (source: IngestStats['sources'][number]) => Object.values(source.rejected).reduce((sum, count) => sum + (count ?? 0), 0);
  return {
    mqtt: stats.mqtt.kind,
    sources: stats.sources.length,
    accepted: stats.sources.reduce((sum, source) => sum + source.accepted, 0),
    rejected: stats.sources.reduce((sum, source) => sum + rejected(source), 0),
  };
}

/** A request whose payload breaks its schema: refused, and logged with the event's name. */
function refusal(reason: string, message: string): Error {
  return Object.assign(new Error(message), { data: { reason } });
}

interface MediaSources {
  streams: DemoStreams;
  cameras: CameraCatalogue;
  mediaUrls: MediaUrlSigner;
  logger: Logger;
}

/**
 * Camera streams over HTTP: the demo cameras' live HLS, and the configured cameras' HLS relayed from their media
 * servers. Only URLs this process signed are served (a console asks for them over its authenticated socket), and a
 * playlist's URIs are signed afresh each time it is served.
 */
function serveMedia(request: IncomingMessage, url: URL, response: ServerResponse, sources: MediaSources): void {
  const { mediaUrls, logger } = sources;
  response.setHeader('Vary', 'Origin');
  const check = mediaUrls.check(url);
  if (check !== 'valid') {
    logger.warn('refused a media request', { check, path: shortened(url.pathname), address: request.socket.remoteAddress });
    return sendPlainText(response, check === 'unsigned' ? 401 : 403, check === 'expired' ? 'This media URL has expired: ask the console for the stream again.' : 'Media URLs must be signed by this backend.');
  }
  // A console's window plays these from its own origin: the answer is readable there, and only for a signed URL.
  const origin = request.headers.origin;
  if (origin !== undefined) response.setHeader('Access-Control-Allow-Origin', origin);
  const signPlaylist = (text: string) => mediaUrls.signPlaylist(text, url.pathname);
  if (url.pathname.startsWith(RELAY_MEDIA_PATH)) {
    const [stream = '', ...file] = url.pathname.slice(RELAY_MEDIA_PATH.length).split('/');
    const upstream = sources.cameras.upstreamOf(stream, file.join('/'));
    if (upstream !== null) return void relayHls(upstream, response, signPlaylist, logger.child('hls-relay'));
  } else if (url.pathname.startsWith(DEMO_MEDIA_PATH)) {
    return serveDemoMedia(url.pathname.slice(DEMO_MEDIA_PATH.length), signPlaylist, response, sources.streams, logger);
  }
  response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end('No such stream.');
}

function serveDemoMedia(path: string, signPlaylist: (text: string) => string, response: ServerResponse, streams: DemoStreams, logger: Logger): void {
  const now = Date.now();
  const playlist = /^([\w-]+)\.m3u8$/.exec(path);
  if (playlist) {
    const text = streams.playlist(playlist[1] as string, now);
    if (text !== null) {
      response.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'no-store' });
      return void response.end(signPlaylist(text));
    }
  }
  const segment = /^([\w-]+)\/(\d{1,12})\.ts$/.exec(path);
  const file = segment ? streams.segmentFile(segment[1] as string, Number(segment[2]), now) : null;
  if (file !== null && existsSync(file)) {
    // Private: the answer depends on the URL's signature and the Origin it was asked from.
    return sendFileStream(response, file, { 'Content-Type': 'video/mp2t', 'Cache-Control': 'private, max-age=60' }, logger);
  }
  response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end('No such stream or segment.');
}
