import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Server } from 'socket.io';
import {
  BACKEND_PROTOCOL_VERSION,
  BackendHandshakeSchema,
  backendSchemas,
  type BackendClientToServerEvents,
  type BackendHello,
  type BackendReply,
  type BackendServerToClientEvents,
  DEMO_MEDIA_PATH,
} from '../shared/backend/protocol.js';
import { listen, urlHost } from '../node/listen.js';
import { sameSecret } from '../node/token.js';
import { DemoStreams } from './media/demo-hls.js';
import { CameraCatalogue, readCamerasConfig } from './media/camera-catalogue.js';
import { relayHls } from './media/hls-relay.js';
import { startSfuFor, type Sfu } from './media/sfu.js';
import { PtzHeads } from './media/ptz/ptz-heads.js';
import { ffmpegInstalled } from './media/live-encoding.js';
import { DEFAULT_DEMO_PTZ_CAMERAS } from '../node/host-config.js';
import { PtzRequestSchema } from '../shared/media/ptz.js';
import { CamerasFileSchema as CityCamerasFileSchema } from '../shared/city/index.js';
import { RELAY_MEDIA_PATH } from '../shared/media/cameras.js';
import type { Logger } from '../node/logger.js';
import { openDatabase } from '../node/sqlite.js';
import { backendMigrations } from './db/backend-migrations.js';
import { IncidentRepository, type IncidentWriteHealth } from './db/incident-repository.js';
import { SyncStore } from './db/sync-store.js';
import { SyncRecordSchema } from '../shared/sync/sync-records.js';
import { z } from 'zod';
import { CityFeed } from './feed/city-feed.js';
import { loadFeedWorld, readCityFile } from './feed/load-feed-world.js';
import { SipService } from './sip/sip-service.js';
import type { SipServerInfo, SipServerSetting } from '../shared/dispatch/sip-account.js';

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
  /** Required from consoles when set; the standalone backend sets one whenever it listens beyond loopback. */
  token: string | null;
  appVersion: string;
  logger: Logger;
  /** The SIP server dispatch registers with; default: none (the entry points choose the local kamailio). */
  sip?: SipServerSetting;
  /** Demo city cameras with a head that become live virtual PTZ cameras (0: none; see `--demo-ptz-cameras`). */
  demoPtzCameras?: number;
  tickMs?: number;
  seed?: number;
}

export interface RunningBackend {
  readonly url: string;
  readonly port: number;
  /** The SIP server dispatch registers with (null: none, see the log for why). */
  readonly sipServer: SipServerInfo | null;
  /** What /healthz shows of the backend's own parts: incidents reaching the disk, and the SFU's worker and feeds. */
  health(): { incidentWrites: IncidentWriteHealth; sfu: ReturnType<Sfu['health']> | null };
  close(): Promise<void>;
}

const DEFAULT_SEED = 20261127;

/**
 * The command-centre backend: a socket.io server with the live city feed, the crew directory and the incident list.
 * It runs inside a console (the embedded default) or alone (`npm run backend`) for several consoles to share.
 */
export async function startBackend(options: BackendOptions): Promise<RunningBackend> {
  const { logger } = options;
  const world = loadFeedWorld(options.cityDir);
  const db = openDatabase({ file: join(options.dataDir, 'backend.sqlite'), migrations: backendMigrations, logger });
  const incidents = new IncidentRepository(db, logger);
  const feed = new CityFeed(world, options.seed ?? DEFAULT_SEED, incidents.recent());
  const sync = new SyncStore(db, logger.child('sync'));
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
  const demoStreams = new DemoStreams(options.videoDir);
  if (!demoStreams.available) logger.warn('no demo camera clips: the video wall will show its cameras offline', { videoDir: options.videoDir });
  const http = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://backend.invalid');
    if (request.method === 'GET' && url.pathname.startsWith('/media/')) return serveMedia(url, response, demoStreams, cameras, options.token);
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('Zhili backend: consoles connect over socket.io.');
  });
  const io = new Server<BackendClientToServerEvents, BackendServerToClientEvents>(http, {
    serveClient: false,
    transports: ['websocket'],
    maxHttpBufferSize: 1e6,
  });

  io.use((socket, next) => {
    const handshake = BackendHandshakeSchema.safeParse(socket.handshake.auth);
    if (!handshake.success) return next(refusal('bad-handshake', 'The console sent no valid Zhili handshake.'));
    if (handshake.data.protocol !== BACKEND_PROTOCOL_VERSION) {
      return next(
        refusal(
          'incompatible-protocol',
          `This backend speaks protocol ${BACKEND_PROTOCOL_VERSION}, the console ${handshake.data.protocol}: install the same Zhili version on both.`,
        ),
      );
    }
    if (options.token !== null && !sameSecret(handshake.data.token ?? '', options.token)) {
      return next(refusal('unauthorized', 'The backend token is missing or wrong: set --backend-token on the console.'));
    }
    socket.data = { consoleId: handshake.data.consoleId };
    next();
  });

  const hello = (): BackendHello => ({
    protocol: BACKEND_PROTOCOL_VERSION,
    serverVersion: options.appVersion,
    startedAt,
    city: { synthetic: world.synthetic, crews: world.crews.length, sensors: world.sensors.length, vehicles: world.vehicles.length },
    sip: sip.info(),
    sipUnavailableReason: sip.unavailableReason,
  });

  io.on('connection', (socket) => {
    const consoleId = (socket.data as { consoleId: string }).consoleId;
    logger.info('console connected', { consoleId, address: socket.handshake.address });
    socket.on('hello', (reply) => answer(reply, hello));
    socket.on('sip:account', (request, reply) =>
      answer(reply, () => {
        const parsed = backendSchemas.sipAccountRequest.safeParse(request);
        if (!parsed.success) throw new Error('The SIP account request is not valid.');
        if (parsed.data.kind === 'dispatcher') return sip.dispatcherAccount(consoleId, parsed.data.displayName);
        const crewId = parsed.data.crewId;
        const crew = feed.crews().find((entry) => entry.id === crewId);
        if (!crew) throw new Error(`No crew ${crewId} in the directory.`);
        return sip.account(crew.sipExtension, crew.name);
      }),
    );
    socket.on('crews:report', (report, reply) =>
      answer(reply, () => {
        const parsed = backendSchemas.crewReport.safeParse(report);
        if (!parsed.success) throw new Error('The crew report is not valid.');
        const { crewId, ...rest } = parsed.data;
        return feed.reportCrew(crewId, rest, new Date());
      }),
    );
    socket.on('directory:crews', (query, reply) =>
      answer(reply, () => {
        const parsed = backendSchemas.crewQuery.safeParse(query);
        if (!parsed.success) throw new Error('The crew query is not valid.');
        const { text, onDutyOnly, districtAdcode, limit } = parsed.data;
        const needle = text?.trim().toLowerCase() ?? '';
        return feed
          .crews()
          .filter((crew) => !onDutyOnly || crew.status !== 'off-duty')
          .filter((crew) => !districtAdcode || crew.districtAdcode === districtAdcode)
          .filter(
            (crew) =>
              needle === '' ||
              [crew.name, crew.leader, crew.speciality, crew.sipExtension, crew.id].some((field) => field.toLowerCase().includes(needle)),
          )
          .slice(0, limit ?? 1000);
      }),
    );
    socket.on('feed:summary', (reply) => answer(reply, () => feed.summary(new Date().toISOString())));
    socket.on('incidents:list', (reply) => answer(reply, () => feed.incidentList()));
    socket.on('sensors:abnormal', (reply) => answer(reply, () => feed.abnormalSensors()));
    socket.on('sensors:history', (sensorId, reply) =>
      answer(reply, () => {
        if (typeof sensorId !== 'string' || sensorId.length > 40) throw new Error('The sensor id is not valid.');
        return feed.sensorHistory(sensorId);
      }),
    );
    socket.on('incidents:inject-drill', (injection, reply) =>
      answer(reply, () => {
        const parsed = backendSchemas.drillInjection.safeParse(injection);
        if (!parsed.success) throw new Error('The drill injection is not valid.');
        const incident = feed.injectDrillIncident(parsed.data, new Date());
        const list = feed.incidentList();
        incidents.save([incident]);
        io.emit('incidents:changed', list);
        logger.info('drill incident injected', { consoleId, drillId: incident.drillId, incidentId: incident.id });
        return incident;
      }),
    );
    socket.on('incidents:register', (report, reply) =>
      answer(reply, () => {
        const parsed = backendSchemas.incidentReport.safeParse(report);
        if (!parsed.success) throw new Error('The incident report is not valid.');
        const incident = feed.registerIncident(parsed.data, new Date());
        incidents.save([incident]);
        io.emit('incidents:changed', feed.incidentList());
        logger.info('incident registered by an operator', { consoleId, incidentId: incident.id, type: incident.type });
        return incident;
      }),
    );
    socket.on('sync:push', (records, reply) =>
      answer(reply, () => {
        const parsed = z.array(SyncRecordSchema).max(500).safeParse(records);
        if (!parsed.success) throw new Error('The sync records are not valid.');
        // A console speaks only for itself.
        if (parsed.data.some((record) => record.origin !== consoleId)) throw new Error('A console may push only its own records.');
        const { stored, conflicts, logged } = sync.push(parsed.data);
        if (logged.length > 0) socket.broadcast.emit('sync:records', logged);
        for (const conflict of conflicts) io.emit('sync:conflict', conflict);
        return { stored, conflicts };
      }),
    );
    socket.on('sync:pull', (request, reply) =>
      answer(reply, () => {
        const parsed = z.object({ after: z.number().int().min(0), limit: z.number().int().min(1).max(1000) }).safeParse(request);
        if (!parsed.success) throw new Error('The pull request is not valid.');
        return sync.pull(parsed.data.after, parsed.data.limit);
      }),
    );
    socket.on('cameras:catalogue', (reply) => answer(reply, () => cameras.list()));
    socket.on('ptz:command', (request, reply) =>
      answer(reply, () => {
        const parsed = PtzRequestSchema.safeParse(request);
        if (!parsed.success) throw new Error('The PTZ command is not valid.');
        return ptz.command(parsed.data);
      }),
    );
    socket.on('sfu:capabilities', (reply) => answer(reply, () => requireSfu().capabilities()));
    socket.on('sfu:open', (request, reply) =>
      answer(reply, () => {
        const parsed = backendSchemas.sfuOpen.safeParse(request);
        if (!parsed.success) throw new Error('The WebRTC open request is not valid.');
        return requireSfu().open(consoleId, parsed.data.streamId, parsed.data.rtpCapabilities);
      }),
    );
    socket.on('sfu:connect', (request, reply) =>
      answer(reply, async () => {
        const parsed = backendSchemas.sfuConnect.safeParse(request);
        if (!parsed.success) throw new Error('The WebRTC connect request is not valid.');
        await requireSfu().connect(consoleId, parsed.data.sessionId, parsed.data.dtlsParameters);
        return null;
      }),
    );
    socket.on('sfu:close', (request, reply) =>
      answer(reply, () => {
        const parsed = backendSchemas.sfuClose.safeParse(request);
        if (!parsed.success) throw new Error('The WebRTC close request is not valid.');
        requireSfu().close(consoleId, parsed.data.sessionId);
        return null;
      }),
    );
    socket.on('disconnect', (reason) => {
      logger.info('console disconnected', { consoleId, reason });
      if (!('unavailable' in sfu)) sfu.closeConsole(consoleId);
    });
  });

  /** Replies with what `produce` returns or resolves to, or with its error as data. */
  const answer = <T>(reply: unknown, produce: () => T | Promise<T>): void => {
    if (typeof reply !== 'function') return;
    const send = (result: BackendReply<T>) => (reply as (result: BackendReply<T>) => void)(result);
    const failed = (error: unknown) => send({ ok: false, error: error instanceof Error ? error.message : String(error) });
    try {
      const value = produce();
      if (value instanceof Promise) value.then((resolved: T) => send({ ok: true, value: resolved }), failed);
      else send({ ok: true, value });
    } catch (error) {
      failed(error);
    }
  };

  const timer = setInterval(() => {
    const step = feed.step(new Date());
    io.emit('feed:tick', step.tick);
    io.emit('feed:summary', step.summary);
    // Never throws: a failed write (a full disk) is kept, retried here each tick, and shown in health().
    incidents.save(step.changedIncidents);
    if (step.incidents) io.emit('incidents:changed', step.incidents);
  }, options.tickMs ?? 1000);
  incidents.pruneClosed(new Date());
  const pruneTimer = setInterval(() => incidents.pruneClosed(new Date()), 3_600_000);

  let port: number;
  try {
    port = await listen(http, options.host, options.port, 'backend');
  } catch (error) {
    clearInterval(timer);
    clearInterval(pruneTimer);
    stopSfu();
    db.close();
    await sip.close();
    throw error;
  }
  const url = `http://${urlHost(options.host)}:${port}`;
  logger.info('backend listening', { url, crews: world.crews.length, sensors: world.sensors.length, vehicles: world.vehicles.length });

  return {
    url,
    port,
    sipServer: sip.info(),
    health: () => ({ incidentWrites: incidents.writeHealth(), sfu: 'unavailable' in sfu ? null : sfu.health() }),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        clearInterval(pruneTimer);
        void io.close(() => {
          stopSfu();
          db.close();
          void sip.close().then(resolve);
        });
      }),
  };
}

function refusal(reason: string, message: string): Error {
  return Object.assign(new Error(message), { data: { reason } });
}

/** Camera streams over HTTP: the demo cameras' live HLS, and the configured cameras' HLS relayed from their media servers. */
function serveMedia(url: URL, response: ServerResponse, streams: DemoStreams, cameras: CameraCatalogue, token: string | null): void {
  // Players on a console page fetch these across origins; the token guards them beyond loopback.
  response.setHeader('Access-Control-Allow-Origin', '*');
  const offered = url.searchParams.get('token');
  if (token !== null && (offered === null || !sameSecret(offered, token))) {
    response.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
    return void response.end('This backend needs its token.');
  }
  const uriQuery = offered === null ? '' : `?token=${encodeURIComponent(offered)}`;
  if (url.pathname.startsWith(RELAY_MEDIA_PATH)) {
    const [stream = '', ...file] = url.pathname.slice(RELAY_MEDIA_PATH.length).split('/');
    const upstream = cameras.upstreamOf(stream, file.join('/'));
    if (upstream !== null) return void relayHls(upstream, response, uriQuery);
  } else if (url.pathname.startsWith(DEMO_MEDIA_PATH)) {
    return serveDemoMedia(url.pathname.slice(DEMO_MEDIA_PATH.length), uriQuery, response, streams);
  }
  response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end('No such stream.');
}

function serveDemoMedia(path: string, uriQuery: string, response: ServerResponse, streams: DemoStreams): void {
  const now = Date.now();
  const playlist = /^([\w-]+)\.m3u8$/.exec(path);
  if (playlist) {
    const text = streams.playlist(playlist[1] as string, now, uriQuery);
    if (text !== null) {
      response.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'no-store' });
      return void response.end(text);
    }
  }
  const segment = /^([\w-]+)\/(\d{1,12})\.ts$/.exec(path);
  const file = segment ? streams.segmentFile(segment[1] as string, Number(segment[2]), now) : null;
  if (file !== null && existsSync(file)) {
    response.writeHead(200, { 'Content-Type': 'video/mp2t', 'Content-Length': statSync(file).size, 'Cache-Control': 'public, max-age=60' });
    return void createReadStream(file).pipe(response);
  }
  response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end('No such stream or segment.');
}
