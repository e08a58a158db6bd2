import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { StartupError, errorCode, errorMessage } from './startup-error.js';
import { parseBasemapSource, type BasemapSource } from '../shared/domain/basemap-source.js';
import { IceServerSchema, type IceServer, type SipServerSetting } from '../shared/dispatch/sip-account.js';

export const DEFAULT_WEB_PORT = 7400;
export const DEFAULT_BACKEND_PORT = 7420;
export const LOOPBACK_HOST = '127.0.0.1';

/** Options shared by every entry point; each also reads its environment variable (flag wins). */
export interface HostConfig {
  /** `--web`: serve the web host even where Electron is installed. */
  forceWeb: boolean;
  host: string;
  port: number;
  dataDir: string;
  /** `--backend-url`: a shared command-centre backend; none means the embedded one. */
  backendUrl: string | null;
  /** `--backend-token-file` (or `ZHILI_BACKEND_TOKEN`): presented to a backend that listens beyond loopback. */
  backendToken: string | null;
  /**
   * `--admin-password-file` (or `ZHILI_ADMIN_PASSWORD`): the password of the administrator made on a console's first
   * start (default: a random one, printed once). Ignored once the console has users.
   */
  adminPassword: string | null;
  cityDir: string | null;
  /** `--plans-dir`: the emergency plan files (default: the app's plans/ folder). */
  plansDir: string | null;
  /** `--basemap`: offline (default), a MapLibre style URL, or an XYZ raster template. */
  basemap: BasemapSource;
  /** `--cameras`: a JSON file of the deployment's cameras and their streams, served besides the demo cameras. */
  camerasFile: string | null;
  /**
   * `--sip-server ws(s)://…` with `--sip-domain` and `--sip-secret-file`: the centre's SIP server; `--sip-server none`:
   * no dispatch calls; default: a local kamailio started by the embedded (or standalone) backend where installed.
   * `--ice-server` (a STUN/TURN URL, repeatable) for calls across NAT; none by default.
   */
  sip: SipServerSetting;
  /**
   * `--demo-ptz-cameras N` (0 to 16, default 2): demo city cameras fitted with a head that the embedded or standalone
   * backend turns into live virtual PTZ cameras (ffmpeg, played over WebRTC, run only while watched); 0: none.
   */
  demoPtzCameras: number;
  /** `--tls-cert` / `--tls-key` (or `ZHILI_TLS_CERT` / `ZHILI_TLS_KEY`): serve HTTPS with them; none: self-signed beyond loopback. */
  tls: { certFile: string; keyFile: string } | null;
  /** `--server-name` (repeatable, or `ZHILI_SERVER_NAMES` comma-separated): DNS names the host is reached by, besides its own. */
  serverNames: string[];
  /** `--backend-ca-file` (or `ZHILI_BACKEND_CA_FILE`): the certificate a console trusts for a backend on wss/https (its self-signed one). */
  backendCaFile: string | null;
  /**
   * How devices and systems reach the backend over MQTT: its own broker on loopback (`--mqtt-port`, default 7883, 0:
   * any free port, `none`: no broker), or a site's broker (`--mqtt-url mqtt(s)://…` with `--mqtt-username`,
   * `--mqtt-password-file` and `--mqtt-ca-file`, or ZHILI_MQTT_URL, ZHILI_MQTT_USERNAME, ZHILI_MQTT_PASSWORD).
   */
  mqtt: MqttSetting;
  /**
   * `--simulator none` (or `ZHILI_SIMULATOR=none`): the backend simulates no devices, which then come only through
   * ingestion (a site's own, or `npm run simulate` publishing the demo city from another process). Default `embedded`.
   */
  simulator: 'embedded' | 'none';
  /**
   * `--database-url postgres://…` (or `ZHILI_DATABASE_URL`, or `--database-url-file` for a URL with its password): the
   * standalone backend keeps its store in that PostgreSQL database; none: SQLite in its data folder.
   */
  databaseUrl: string | null;
}

export type MqttSetting =
  | { kind: 'embedded'; port: number }
  | { kind: 'external'; url: string; username: string | null; password: string | null; caFile: string | null }
  | { kind: 'none' };

/** The MQTT port the backend's own broker takes when not told: not 1883, which a site's Mosquitto may hold. */
export const DEFAULT_MQTT_PORT = 7883;

export const DEFAULT_DEMO_PTZ_CAMERAS = 2;
const MAX_DEMO_PTZ_CAMERAS = 16;

/** A DNS name, an IPv4 address, or an IPv6 address in brackets: what a Host header may name, without a port. */
const SERVER_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])$/;

const options = {
  web: { type: 'boolean' },
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'backend-url': { type: 'string' },
  'backend-token': { type: 'string' },
  'backend-token-file': { type: 'string' },
  'city-dir': { type: 'string' },
  'plans-dir': { type: 'string' },
  basemap: { type: 'string' },
  cameras: { type: 'string' },
  'sip-server': { type: 'string' },
  'sip-domain': { type: 'string' },
  'sip-secret': { type: 'string' },
  'sip-secret-file': { type: 'string' },
  'admin-password': { type: 'string' },
  'admin-password-file': { type: 'string' },
  'ice-server': { type: 'string', multiple: true },
  'demo-ptz-cameras': { type: 'string' },
  'backend-only': { type: 'boolean' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'server-name': { type: 'string', multiple: true },
  'backend-ca-file': { type: 'string' },
  'mqtt-port': { type: 'string' },
  'mqtt-url': { type: 'string' },
  'mqtt-username': { type: 'string' },
  'mqtt-password': { type: 'string' },
  'mqtt-password-file': { type: 'string' },
  'mqtt-ca-file': { type: 'string' },
  simulator: { type: 'string' },
  'database-url': { type: 'string' },
  'database-url-file': { type: 'string' },
} as const;

export interface ParseHostConfigInput {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  defaultPort: number;
  defaultDataDir?: string;
  /** Electron adds Chromium switches of its own, so its host ignores options it does not know. */
  allowUnknown?: boolean;
}

export function parseHostConfig(input: ParseHostConfigInput): HostConfig {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    values = parseArgs({ args: [...input.argv], options, strict: !input.allowUnknown, allowPositionals: true }).values;
  } catch (error) {
    throw new StartupError(
      `${(error as Error).message}: the options are --web, --host, --port, --data-dir, --backend-url, --backend-token-file, --city-dir, --plans-dir, --basemap, --cameras, --sip-server, --sip-domain, --sip-secret-file, --ice-server, --demo-ptz-cameras, --tls-cert, --tls-key, --server-name, --backend-ca-file, --admin-password-file, --mqtt-port, --mqtt-url, --mqtt-username, --mqtt-password-file, --mqtt-ca-file, --simulator, --database-url and --database-url-file.`,
    );
  }
  const text = (flag: keyof typeof options, variable: string): string | null => {
    const fromFlag = values[flag];
    if (typeof fromFlag === 'string' && fromFlag !== '') return fromFlag;
    const fromEnv = input.env[variable];
    return fromEnv !== undefined && fromEnv !== '' ? fromEnv : null;
  };
  // A secret on the command line is readable by every user of the machine (ps, /proc): only a file or the environment.
  const secret = (flag: 'backend-token' | 'sip-secret' | 'admin-password' | 'mqtt-password', variable: string): string | null => {
    if (values[flag] !== undefined) {
      throw new StartupError(
        `--${flag} would show the secret to every user of this machine (ps): write it into a file only you can read and give --${flag}-file, or set ${variable}.`,
      );
    }
    const file = values[`${flag}-file`];
    if (typeof file === 'string' && file !== '') return readSecretFile(file, `--${flag}-file`);
    return text(flag, variable);
  };

  const portText = text('port', 'ZHILI_PORT');
  const port = portText === null ? input.defaultPort : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StartupError(`The port "${portText}" is not a port number: give --port (or ZHILI_PORT) a number from 0 to 65535.`);
  }
  const backendUrl = text('backend-url', 'ZHILI_BACKEND_URL');
  if (backendUrl !== null && !/^(https?|wss?):\/\/[^\s]+$/.test(backendUrl)) {
    throw new StartupError(`The backend URL "${backendUrl}" is not an http(s) or ws(s) URL: fix --backend-url or ZHILI_BACKEND_URL.`);
  }
  const dataDir = text('data-dir', 'ZHILI_DATA_DIR');
  const cityDir = text('city-dir', 'ZHILI_CITY_DIR');
  const plansDir = text('plans-dir', 'ZHILI_PLANS_DIR');
  const camerasFile = text('cameras', 'ZHILI_CAMERAS');
  let basemap: BasemapSource;
  try {
    basemap = parseBasemapSource(text('basemap', 'ZHILI_BASEMAP') ?? 'offline');
  } catch (error) {
    throw new StartupError(`The basemap ${(error as Error).message}: fix --basemap or ZHILI_BASEMAP, or leave it out for the offline map.`);
  }
  const sip = parseSipSetting(
    text('sip-server', 'ZHILI_SIP_SERVER'),
    text('sip-domain', 'ZHILI_SIP_DOMAIN'),
    secret('sip-secret', 'ZHILI_SIP_SECRET'),
    Array.isArray(values['ice-server']) ? values['ice-server'].map(String) : (input.env.ZHILI_ICE_SERVERS ?? '').split(/\s+/).filter(Boolean),
  );
  const demoPtzText = text('demo-ptz-cameras', 'ZHILI_DEMO_PTZ_CAMERAS');
  const demoPtzCameras = demoPtzText === null ? DEFAULT_DEMO_PTZ_CAMERAS : Number(demoPtzText);
  if (!Number.isInteger(demoPtzCameras) || demoPtzCameras < 0 || demoPtzCameras > MAX_DEMO_PTZ_CAMERAS) {
    throw new StartupError(`"${demoPtzText}" is not a number of demo PTZ cameras: give --demo-ptz-cameras (or ZHILI_DEMO_PTZ_CAMERAS) 0 to ${MAX_DEMO_PTZ_CAMERAS}.`);
  }
  const tlsCert = text('tls-cert', 'ZHILI_TLS_CERT');
  const tlsKey = text('tls-key', 'ZHILI_TLS_KEY');
  if ((tlsCert === null) !== (tlsKey === null)) {
    throw new StartupError('HTTPS needs both the certificate and its key: give --tls-cert and --tls-key (or ZHILI_TLS_CERT and ZHILI_TLS_KEY) together.');
  }
  const serverNames = (Array.isArray(values['server-name']) ? values['server-name'].map(String) : (input.env.ZHILI_SERVER_NAMES ?? '').split(','))
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  for (const name of serverNames) {
    if (!SERVER_NAME.test(name)) throw new StartupError(`"${name}" is not a host name or address: fix --server-name or ZHILI_SERVER_NAMES (a name like zhili.example.cn, without a port).`);
  }
  const backendCaFile = text('backend-ca-file', 'ZHILI_BACKEND_CA_FILE');
  const mqtt = parseMqttSetting(text('mqtt-port', 'ZHILI_MQTT_PORT'), text('mqtt-url', 'ZHILI_MQTT_URL'), text('mqtt-username', 'ZHILI_MQTT_USERNAME'), secret('mqtt-password', 'ZHILI_MQTT_PASSWORD'), text('mqtt-ca-file', 'ZHILI_MQTT_CA_FILE'));
  const simulator = text('simulator', 'ZHILI_SIMULATOR') ?? 'embedded';
  if (simulator !== 'embedded' && simulator !== 'none') {
    throw new StartupError(`"${simulator}" is not a simulator setting: give --simulator (or ZHILI_SIMULATOR) embedded (the demo's devices, the default) or none.`);
  }
  const databaseUrl = parseDatabaseUrl(values['database-url'], values['database-url-file'], input.env.ZHILI_DATABASE_URL);
  return {
    forceWeb: values.web === true,
    host: text('host', 'ZHILI_HOST') ?? LOOPBACK_HOST,
    port,
    dataDir: resolve(dataDir ?? input.defaultDataDir ?? defaultDataDir()),
    backendUrl,
    backendToken: secret('backend-token', 'ZHILI_BACKEND_TOKEN'),
    adminPassword: secret('admin-password', 'ZHILI_ADMIN_PASSWORD'),
    cityDir: cityDir === null ? null : resolve(cityDir),
    plansDir: plansDir === null ? null : resolve(plansDir),
    basemap,
    camerasFile: camerasFile === null ? null : resolve(camerasFile),
    sip,
    demoPtzCameras,
    tls: tlsCert === null || tlsKey === null ? null : { certFile: resolve(tlsCert), keyFile: resolve(tlsKey) },
    serverNames: [...new Set(serverNames)],
    backendCaFile: backendCaFile === null ? null : resolve(backendCaFile),
    mqtt,
    simulator,
    databaseUrl,
  };
}

/**
 * The PostgreSQL URL of the backend's store, or null (SQLite). On the command line it may name the user but not the
 * password, which ps would show every user of the machine: that goes in --database-url-file, ZHILI_DATABASE_URL or
 * PostgreSQL's own PGPASSWORD (or ~/.pgpass), which the driver reads when the URL has none.
 */
function parseDatabaseUrl(flag: unknown, file: unknown, fromEnv: string | undefined): string | null {
  if (typeof flag === 'string' && flag !== '' && typeof file === 'string' && file !== '') throw new StartupError('Give --database-url or --database-url-file, not both.');
  let url: string | null = null;
  if (typeof file === 'string' && file !== '') {
    url = readSecretFile(file, '--database-url-file');
  } else if (typeof flag === 'string' && flag !== '') {
    // A password in the user part, or in the query (`?password=`, `sslpassword=`), both of which pg reads.
    if (/^[a-z]+:\/\/[^/@\s]*:[^/@\s]*@/i.test(flag) || /[?&](ssl)?password=/i.test(flag)) {
      throw new StartupError(
        '--database-url with a password would show it to every user of this machine (ps): leave the password out and set PGPASSWORD, or write the whole URL into a file only you can read and give --database-url-file, or set ZHILI_DATABASE_URL.',
      );
    }
    url = flag;
  } else if (fromEnv !== undefined && fromEnv !== '') {
    url = fromEnv;
  }
  if (url === null) return null;
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (parsed === null || !/^postgres(ql)?:$/.test(parsed.protocol) || parsed.hostname === '') {
    // The URL itself may hold a password: never repeat it.
    throw new StartupError('The database URL is not a postgres:// URL with a host: give --database-url (or ZHILI_DATABASE_URL) as postgres://user@host:5432/database.');
  }
  return url;
}

function parseMqttSetting(port: string | null, url: string | null, username: string | null, password: string | null, caFile: string | null): MqttSetting {
  if (url !== null) {
    if (port !== null) throw new StartupError('Give --mqtt-url (a site\'s broker) or --mqtt-port (the backend\'s own), not both.');
    if (!/^mqtts?:\/\/[^\s/@]+(:\d+)?\/?$/.test(url)) {
      throw new StartupError(`The MQTT broker "${url}" is not an mqtt:// or mqtts:// URL with a host and port (no user or password in it): fix --mqtt-url or ZHILI_MQTT_URL.`);
    }
    return { kind: 'external', url, username, password, caFile: caFile === null ? null : resolve(caFile) };
  }
  if (username !== null || password !== null || caFile !== null) throw new StartupError('--mqtt-username, --mqtt-password-file and --mqtt-ca-file go with --mqtt-url.');
  if (port === 'none') return { kind: 'none' };
  const number = port === null ? DEFAULT_MQTT_PORT : Number(port);
  if (!Number.isInteger(number) || number < 0 || number > 65535) {
    throw new StartupError(`"${port}" is not a port: give --mqtt-port (or ZHILI_MQTT_PORT) 0 to 65535 (0: any free port), or none for no MQTT broker.`);
  }
  return { kind: 'embedded', port: number };
}

function parseSipSetting(server: string | null, domain: string | null, secret: string | null, iceUrls: readonly string[]): SipServerSetting {
  const iceServers: IceServer[] = iceUrls.map((url) => {
    const parsed = IceServerSchema.safeParse({ urls: url });
    if (!parsed.success) throw new StartupError(`The ICE server "${url}" is not a stun:, turn: or turns: URL: fix --ice-server or ZHILI_ICE_SERVERS.`);
    return parsed.data;
  });
  if (server === 'none') return { kind: 'none' };
  if (server === null) return { kind: 'local', iceServers };
  if (!/^wss?:\/\/[^\s]+$/.test(server)) throw new StartupError(`The SIP server "${server}" is not a ws:// or wss:// URL: fix --sip-server or ZHILI_SIP_SERVER.`);
  if (domain === null || !/^[a-z0-9.-]{1,100}$/.test(domain)) {
    throw new StartupError('A SIP server needs its domain: give --sip-domain (or ZHILI_SIP_DOMAIN), e.g. --sip-domain sip.example.cn.');
  }
  if (secret === null || !/^[0-9a-f]{32,128}$/.test(secret)) {
    throw new StartupError(
      'A SIP server needs the secret its accounts are derived from: give --sip-secret-file (or ZHILI_SIP_SECRET), 32 to 128 lowercase hex digits.',
    );
  }
  return { kind: 'external', wsServer: server, domain, secret, iceServers };
}

/** A secret kept in a file: its text without the line end an editor adds. */
function readSecretFile(file: string, option: string): string {
  let content: string;
  try {
    content = readFileSync(resolve(file), 'utf8').trim();
  } catch (error) {
    throw new StartupError(`Cannot read ${file} given to ${option} (${errorCode(error) ?? errorMessage(error)}): give the path of a readable file that holds the secret.`, {
      cause: error,
    });
  }
  if (content === '') throw new StartupError(`${file} given to ${option} is empty: write the secret into it.`);
  return content;
}

/** Where a console keeps its data when not told: the platform's per-user application data folder. */
export function defaultDataDir(): string {
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Zhili');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Zhili');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'zhili');
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
