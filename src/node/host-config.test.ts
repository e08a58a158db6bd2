import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MQTT_PORT, DEFAULT_WEB_PORT, isLoopback, parseHostConfig } from './host-config.js';
import { StartupError } from './startup-error.js';

const parse = (argv: string[], env: Record<string, string> = {}) =>
  parseHostConfig({ argv, env, defaultPort: DEFAULT_WEB_PORT, defaultDataDir: '/tmp/zhili-default' });

describe('parseHostConfig', () => {
  it('needs no configuration: loopback, the default port and data folder, the embedded backend', () => {
    expect(parse([])).toEqual({
      forceWeb: false,
      host: '127.0.0.1',
      port: DEFAULT_WEB_PORT,
      dataDir: '/tmp/zhili-default',
      backendUrl: null,
      backendToken: null,
      adminPassword: null,
      cityDir: null,
      plansDir: null,
      basemap: { kind: 'offline' },
      camerasFile: null,
      sip: { kind: 'local', iceServers: [] },
      demoPtzCameras: 2,
      tls: null,
      serverNames: [],
      backendCaFile: null,
      mqtt: { kind: 'embedded', port: DEFAULT_MQTT_PORT },
      simulator: 'embedded',
      databaseUrl: null,
    });
  });

  it('simulates the demo devices unless told none, and refuses anything else', () => {
    expect(parse(['--simulator', 'none']).simulator).toBe('none');
    expect(parse([], { ZHILI_SIMULATOR: 'none' }).simulator).toBe('none');
    expect(() => parse(['--simulator', 'external'])).toThrow(/--simulator \(or ZHILI_SIMULATOR\) embedded .* or none/);
  });

  it('takes the backend\'s PostgreSQL URL without a password on the command line, with one from a file or the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhili-config-'));
    try {
      const withPassword = 'postgres://zhili:s3cret@db.example.cn:5432/zhili';
      writeFileSync(join(dir, 'url'), `${withPassword}\n`, { mode: 0o600 });
      expect(parse(['--database-url', 'postgres://zhili@db.example.cn/zhili']).databaseUrl).toBe('postgres://zhili@db.example.cn/zhili');
      expect(parse(['--database-url-file', join(dir, 'url')]).databaseUrl).toBe(withPassword);
      expect(parse([], { ZHILI_DATABASE_URL: withPassword }).databaseUrl).toBe(withPassword);
      expect(parse(['--database-url', 'postgresql://db.example.cn/zhili'], { ZHILI_DATABASE_URL: withPassword }).databaseUrl).toBe('postgresql://db.example.cn/zhili');
      expect(() => parse(['--database-url', withPassword])).toThrow(/would show it to every user of this machine \(ps\): leave the password out and set PGPASSWORD/);
      expect(() => parse(['--database-url', 'postgres://zhili@db.example.cn/zhili?password=s3cret'])).toThrow(/would show it to every user/);
      expect(() => parse(['--database-url', 'postgres://zhili@db.example.cn/zhili?sslmode=require&sslpassword=s3cret'])).toThrow(/would show it to every user/);
      expect(() => parse(['--database-url', 'mysql://db.example.cn/zhili'])).toThrow(/not a postgres:\/\/ URL/);
      expect(() => parse([], { ZHILI_DATABASE_URL: 'postgres://zhili:s3cret@' })).toThrow(StartupError);
      expect(() => parse([], { ZHILI_DATABASE_URL: 'postgres://zhili:s3cret@' })).not.toThrow(/s3cret/);
      expect(() => parse(['--database-url', 'postgres://db/z', '--database-url-file', join(dir, 'url')])).toThrow(/not both/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the backend\'s own MQTT port, none, or a site\'s broker with its login, and refuses a mix', () => {
    expect(parse(['--mqtt-port', '0']).mqtt).toEqual({ kind: 'embedded', port: 0 });
    expect(parse([], { ZHILI_MQTT_PORT: 'none' }).mqtt).toEqual({ kind: 'none' });
    expect(parse(['--mqtt-url', 'mqtts://emqx.example.cn:8883', '--mqtt-username', 'zhili', '--mqtt-ca-file', 'ca.pem'], { ZHILI_MQTT_PASSWORD: 'pw' }).mqtt).toEqual({
      kind: 'external',
      url: 'mqtts://emqx.example.cn:8883',
      username: 'zhili',
      password: 'pw',
      caFile: join(process.cwd(), 'ca.pem'),
    });
    expect(parse([], { ZHILI_MQTT_URL: 'mqtt://127.0.0.1:1883' }).mqtt).toMatchObject({ kind: 'external', username: null, password: null, caFile: null });
    expect(() => parse(['--mqtt-port', '70000'])).toThrow(/--mqtt-port/);
    expect(() => parse(['--mqtt-url', 'http://broker'])).toThrow(/not an mqtt:\/\/ or mqtts:\/\/ URL/);
    expect(() => parse(['--mqtt-url', 'mqtt://user:pw@broker:1883'])).toThrow(/no user or password in it/);
    expect(() => parse(['--mqtt-url', 'mqtt://broker:1883', '--mqtt-port', '1'])).toThrow(/not both/);
    expect(() => parse(['--mqtt-username', 'zhili'])).toThrow(/go with --mqtt-url/);
  });

  it('takes a certificate with its key, server names and a backend CA, from flags or the environment', () => {
    expect(parse(['--tls-cert', 'c.pem', '--tls-key', 'k.pem']).tls).toEqual({ certFile: join(process.cwd(), 'c.pem'), keyFile: join(process.cwd(), 'k.pem') });
    expect(parse([], { ZHILI_TLS_CERT: '/etc/zhili/c.pem', ZHILI_TLS_KEY: '/etc/zhili/k.pem' }).tls).toEqual({ certFile: '/etc/zhili/c.pem', keyFile: '/etc/zhili/k.pem' });
    expect(() => parse(['--tls-cert', 'c.pem'])).toThrow(/--tls-cert and --tls-key/);
    expect(parse(['--server-name', 'Zhili.Example.cn', '--server-name', '10.1.2.5', '--server-name', 'zhili.example.cn']).serverNames).toEqual(['zhili.example.cn', '10.1.2.5']);
    expect(parse([], { ZHILI_SERVER_NAMES: 'wall.local, [fe80::1]' }).serverNames).toEqual(['wall.local', '[fe80::1]']);
    expect(() => parse(['--server-name', 'zhili.example.cn:7400'])).toThrow(StartupError);
    expect(() => parse(['--server-name', 'https://zhili.example.cn'])).toThrow(/not a host name/);
    expect(parse(['--backend-ca-file', '/srv/backend-cert.pem']).backendCaFile).toBe('/srv/backend-cert.pem');
  });

  it('takes the centre\'s SIP server with its domain and secret, or none, and refuses half a configuration', () => {
    const secret = 'ab'.repeat(20);
    const sipServer = ['--sip-server', 'wss://sip.example.cn:7443', '--sip-domain', 'sip.example.cn'];
    expect(parse([...sipServer, '--ice-server', 'turn:turn.example.cn:3478'], { ZHILI_SIP_SECRET: secret }).sip).toEqual({
      kind: 'external',
      wsServer: 'wss://sip.example.cn:7443',
      domain: 'sip.example.cn',
      secret,
      iceServers: [{ urls: 'turn:turn.example.cn:3478' }],
    });
    expect(parse(['--sip-server', 'none']).sip).toEqual({ kind: 'none' });
    expect(() => parse(['--sip-server', 'wss://sip.example.cn'])).toThrow(/--sip-domain/);
    expect(() => parse(['--sip-server', 'wss://sip.example.cn', '--sip-domain', 'sip.example.cn'], { ZHILI_SIP_SECRET: 'short' })).toThrow(/--sip-secret-file/);
    expect(() => parse(['--sip-server', 'sip.example.cn'])).toThrow(/ws:\/\/ or wss:\/\//);
    expect(() => parse(['--ice-server', 'stun.l.google.com:19302'])).toThrow(/--ice-server/);
  });

  it('reads the environment, and flags win over it', () => {
    const env = { ZHILI_HOST: '0.0.0.0', ZHILI_PORT: '8000', ZHILI_DATA_DIR: '/srv/zhili', ZHILI_BACKEND_URL: 'http://10.0.0.5:7420' };
    expect(parse([], env)).toMatchObject({ host: '0.0.0.0', port: 8000, dataDir: '/srv/zhili', backendUrl: 'http://10.0.0.5:7420' });
    expect(parse(['--basemap', 'http://10.1.2.3/{z}/{x}/{y}.png'], { ZHILI_BASEMAP: 'https://tiles.example/style.json' }).basemap).toEqual({
      kind: 'raster',
      tiles: 'http://10.1.2.3/{z}/{x}/{y}.png',
    });
    expect(parse(['--port', '9000', '--web', '--data-dir', '/data'], env)).toMatchObject({ port: 9000, forceWeb: true, dataDir: '/data' });
    expect(parse([], { ZHILI_CAMERAS: '/etc/zhili/cameras.json' }).camerasFile).toBe('/etc/zhili/cameras.json');
  });

  it('rejects bad values and unknown options with one sentence naming the fix', () => {
    expect(() => parse(['--port', 'eighty'])).toThrow(StartupError);
    expect(() => parse(['--port', 'eighty'])).toThrow(/give --port \(or ZHILI_PORT\) a number/);
    expect(() => parse(['--backend-url', 'ftp://x'])).toThrow(/not an http\(s\) or ws\(s\) URL/);
    expect(() => parse(['--prot', '1'])).toThrow(/the options are --web, --host, --port/);
    expect(() => parse(['--basemap', 'https://tiles.example/city.pmtiles'])).toThrow(/fix --basemap or ZHILI_BASEMAP/);
    expect(parse(['--demo-ptz-cameras', '0']).demoPtzCameras).toBe(0);
    expect(parse([], { ZHILI_DEMO_PTZ_CAMERAS: '4' }).demoPtzCameras).toBe(4);
    expect(() => parse(['--demo-ptz-cameras', '17'])).toThrow(/give --demo-ptz-cameras \(or ZHILI_DEMO_PTZ_CAMERAS\) 0 to 16/);
    expect(() => parse(['--demo-ptz-cameras', 'two'])).toThrow(/not a number of demo PTZ cameras/);
  });

  it('takes secrets from a file or the environment and refuses them on the command line, where ps shows them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhili-config-'));
    try {
      const secret = 'cd'.repeat(20);
      const file = (name: string, text: string) => {
        writeFileSync(join(dir, name), text, { mode: 0o600 });
        return join(dir, name);
      };
      const parsed = parse(['--admin-password-file', file('admin', 'first password\n'), '--backend-token-file', file('backend', 'backend-token'), '--sip-server', 'wss://s.example.cn', '--sip-domain', 's.example.cn', '--sip-secret-file', file('sip', `${secret}\n`)]);
      expect(parsed).toMatchObject({ adminPassword: 'first password', backendToken: 'backend-token', sip: { kind: 'external', secret } });
      expect(parse([], { ZHILI_ADMIN_PASSWORD: 'from-env', ZHILI_BACKEND_TOKEN: 'b-env' })).toMatchObject({ adminPassword: 'from-env', backendToken: 'b-env' });
      expect(parse(['--admin-password-file', join(dir, 'admin')], { ZHILI_ADMIN_PASSWORD: 'from-env' }).adminPassword).toBe('first password');
      for (const [flag, fix] of [['--backend-token', /--backend-token-file, or set ZHILI_BACKEND_TOKEN\.$/], ['--sip-secret', /--sip-secret-file, or set ZHILI_SIP_SECRET\.$/], ['--admin-password', /--admin-password-file, or set ZHILI_ADMIN_PASSWORD\.$/], ['--mqtt-password', /--mqtt-password-file, or set ZHILI_MQTT_PASSWORD\.$/]] as const) {
        expect(() => parse([flag, 'visible-in-ps'])).toThrow(StartupError);
        expect(() => parse([flag, 'visible-in-ps'])).toThrow(fix);
        expect(() => parseHostConfig({ argv: ['--no-sandbox', flag, 'visible-in-ps'], env: {}, defaultPort: 1, allowUnknown: true })).toThrow(fix);
      }
      expect(() => parse(['--admin-password-file', join(dir, 'missing')])).toThrow(/Cannot read .*missing given to --admin-password-file \(ENOENT\)/);
      expect(() => parse(['--admin-password-file', file('empty', '\n')])).toThrow(/given to --admin-password-file is empty/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets the Electron host ignore Chromium switches', () => {
    expect(parseHostConfig({ argv: ['--no-sandbox', '--port', '1234'], env: {}, defaultPort: 1, allowUnknown: true }).port).toBe(1234);
  });
});

describe('isLoopback', () => {
  it('knows the loopback names and addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '192.168.1.10', '::'].some(isLoopback)).toBe(false);
  });
});
