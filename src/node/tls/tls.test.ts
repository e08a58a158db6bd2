import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { StartupError } from '../startup-error.js';
import { createHostServer, hostCredentials, hostNameOf, refuseUnservedHosts, servedNames, spkiPinOf, type TlsCredentials } from './index.js';

describe('servedNames', () => {
  it('serves only the loopback names on loopback, plus the configured ones', () => {
    expect([...servedNames('127.0.0.1', []).names].sort()).toEqual(['127.0.0.1', '[::1]', 'localhost']);
    const served = servedNames('127.0.0.1', ['zhili.test']);
    expect(served.names.has('zhili.test')).toBe(true);
    expect(served.primary).toBe('127.0.0.1');
  });

  it('beyond loopback adds the hostname and every interface address; a wildcard prints the first server name', () => {
    const served = servedNames('0.0.0.0', ['Wall.Example.cn']);
    expect(served.names.has(hostname().toLowerCase())).toBe(true);
    expect(served.names.has('wall.example.cn')).toBe(true);
    expect(served.names.has('0.0.0.0')).toBe(false);
    expect(served.primary).toBe('wall.example.cn');
    expect(servedNames('::', []).primary).toBe(hostname().toLowerCase());
    expect(servedNames('::1', []).primary).toBe('[::1]');
  });
});

describe('hostNameOf', () => {
  it('takes the name without the port, lower case, IPv6 in brackets; null for what is no host', () => {
    expect(hostNameOf('Zhili.Test:7400')).toBe('zhili.test');
    expect(hostNameOf('[::1]:7400')).toBe('[::1]');
    expect(hostNameOf('127.0.0.1')).toBe('127.0.0.1');
    for (const bad of [undefined, '', 'a b', 'evil.example/x', 'user@127.0.0.1', '[::1']) expect(hostNameOf(bad)).toBeNull();
  });
});

describe('refuseUnservedHosts', () => {
  let server: Server;
  let port: number;
  const logger = recordingLogger();

  beforeEach(async () => {
    server = createHostServer(null, (_request, response) => response.end('served'));
    server.on('upgrade', (_request, socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\n\r\n'));
    refuseUnservedHosts(server, servedNames('127.0.0.1', ['zhili.test']), logger);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const exchange = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(text));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });

  it('answers a served name and refuses any other with 421, requests and upgrades alike, with a warning', async () => {
    expect(await exchange(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 200[\s\S]*served$/);
    expect(await exchange(`GET / HTTP/1.1\r\nHost: ZHILI.test:${port}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 200/);
    expect(await exchange(`GET / HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 421 Misdirected Request/);
    expect(await exchange('GET / HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 421/);
    const upgrade = (host: string) => `GET /ws HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`;
    expect(await exchange(upgrade(`localhost:${port}`))).toMatch(/^HTTP\/1\.1 101/);
    expect(await exchange(upgrade(`evil.example:${port}`))).toMatch(/^HTTP\/1\.1 421 Misdirected Request/);
    expect(logger.records.filter((record) => record.level === 'warn' && record.message.startsWith('refused a request for a name')).length).toBe(3);
  });
});

describe('hostCredentials', () => {
  let dir: string;
  const logger = recordingLogger();
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zhili-tls-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const credentials = (configured: string[], listenHost = '0.0.0.0', now?: Date) =>
    hostCredentials({
      configured: null,
      listenHost,
      served: servedNames(listenHost, configured),
      selfSigned: { certFile: join(dir, 'web-tls-cert.pem'), keyFile: join(dir, 'web-tls-key.pem') },
      logger,
      ...(now ? { now } : {}),
    });

  it('needs none on loopback', async () => {
    expect(await credentials([], '127.0.0.1')).toBeNull();
  });

  it('makes a self-signed certificate for the served names beyond loopback, key 0600, reused on the next start', async () => {
    const made = (await credentials(['zhili.test'])) as TlsCredentials;
    expect(made.selfSigned).toBe(true);
    const x509 = new X509Certificate(made.cert);
    for (const name of ['zhili.test', 'localhost', hostname().toLowerCase()]) expect(x509.checkHost(name)).toBe(name);
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBe('::1');
    expect(x509.fingerprint256).toBe(made.fingerprint256);
    expect(spkiPinOf(x509)).toBe(made.spkiPin);
    expect(statSync(join(dir, 'web-tls-key.pem')).mode & 0o777).toBe(0o600);
    expect(await credentials(['zhili.test'])).toMatchObject({ fingerprint256: made.fingerprint256 });

    // A new name (or an expiry near) makes the certificate again with the same key: a pinned browser still trusts it.
    const renamed = (await credentials(['zhili.test', 'wall.example.cn'])) as TlsCredentials;
    expect(renamed.fingerprint256).not.toBe(made.fingerprint256);
    expect(renamed.spkiPin).toBe(made.spkiPin);
    expect(new X509Certificate(renamed.cert).checkHost('wall.example.cn')).toBe('wall.example.cn');
    const renewed = (await credentials(['zhili.test', 'wall.example.cn'], '0.0.0.0', new Date(Date.now() + 340 * 24 * 3600_000))) as TlsCredentials;
    expect(renewed.fingerprint256).not.toBe(renamed.fingerprint256);
    expect(renewed.spkiPin).toBe(made.spkiPin);
  });

  it('serves HTTPS that a client trusting the certificate accepts, with the usual limits', async () => {
    const made = (await credentials([])) as TlsCredentials;
    const server = createHostServer(made, (_request, response) => response.end('over tls'));
    expect(server.headersTimeout).toBe(10_000);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const body = await new Promise<string>((resolve, reject) => {
        httpsRequest({ host: '127.0.0.1', port, path: '/', ca: made.cert }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      expect(body).toBe('over tls');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('takes the operator\'s certificate and refuses a key that is not its own', async () => {
    const first = (await credentials([])) as TlsCredentials;
    const other = mkdtempSync(join(tmpdir(), 'zhili-tls-other-'));
    try {
      const second = (await hostCredentials({
        configured: null,
        listenHost: '0.0.0.0',
        served: servedNames('0.0.0.0', []),
        selfSigned: { certFile: join(other, 'c.pem'), keyFile: join(other, 'k.pem') },
        logger,
      })) as TlsCredentials;
      const configured = (keyFile: string) =>
        hostCredentials({ configured: { certFile: first.certFile, keyFile }, listenHost: '0.0.0.0', served: servedNames('0.0.0.0', []), selfSigned: { certFile: '', keyFile: '' }, logger });
      expect(await configured(join(dir, 'web-tls-key.pem'))).toMatchObject({ selfSigned: false, fingerprint256: first.fingerprint256 });
      await expect(configured(join(other, 'k.pem'))).rejects.toThrow(/does not belong to the certificate/);
      expect(second.spkiPin).not.toBe(first.spkiPin);
      writeFileSync(join(other, 'not-pem'), 'hello');
      await expect(configured(join(other, 'not-pem'))).rejects.toThrow(StartupError);
      await expect(configured(join(other, 'missing'))).rejects.toThrow(/Cannot read/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
