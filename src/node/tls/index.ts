import { X509Certificate, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { hostname, networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import { generate } from 'selfsigned';
import { HTTP_SERVER_LIMITS } from '../http-safety.js';
import { isLoopback, type HostConfig } from '../host-config.js';
import type { Logger } from '../logger.js';
import { tightenFile, writePrivateFile } from '../private-files.js';
import { StartupError, errorCode, errorMessage } from '../startup-error.js';

/** The names a host answers to, as they appear in a Host header without its port (IPv6 in brackets), lower case. */
export interface ServedNames {
  readonly names: ReadonlySet<string>;
  /** The name its printed URL uses: the address it listens on, or for a wildcard the first `--server-name` or the hostname. */
  readonly primary: string;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The names a host serves: loopback always; beyond loopback also the machine's hostname and interface addresses; and
 * every configured `--server-name` (a DNS name a wall reaches it by). A request for any other name is refused, so a
 * page that rebinds its own DNS name to this machine cannot reach it (DNS rebinding).
 */
export function servedNames(listenHost: string, configured: readonly string[]): ServedNames {
  const names = new Set(LOOPBACK_NAMES);
  const beyondLoopback = !isLoopback(listenHost);
  if (beyondLoopback) {
    names.add(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces())) {
      for (const { address } of addresses ?? []) names.add(urlName(address));
    }
  }
  const wildcard = WILDCARD_HOSTS.has(listenHost);
  if (!wildcard) names.add(urlName(listenHost));
  for (const name of configured) names.add(urlName(name));
  const primary = wildcard ? urlName(configured[0] ?? hostname()) : urlName(listenHost);
  return { names, primary };
}

/** A name as the Host header carries it: lower case, an IPv6 address in brackets. */
function urlName(name: string): string {
  const bare = name.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

/** The name of a Host header without its port; null when there is none or it is not a host name. */
export function hostNameOf(header: string | undefined): string | null {
  if (header === undefined || header === '' || /[\s/@?#\\]/.test(header)) return null;
  try {
    return new URL(`http://${header}`).hostname;
  } catch {
    return null;
  }
}

/**
 * Wraps the server's 'request' and 'upgrade' listeners so that only requests for a served name reach them; any other
 * gets 421 Misdirected Request (an upgrade: the same status line, then the socket closed) and a warning. Call it once
 * every listener is attached (socket.io attaches its own), just before listening.
 */
export function refuseUnservedHosts(server: Server, served: ServedNames, logger: Logger): void {
  const serves = (request: IncomingMessage): boolean => {
    const name = hostNameOf(request.headers.host);
    if (name !== null && served.names.has(name)) return true;
    logger.warn('refused a request for a name this host does not serve (421)', {
      host: request.headers.host?.slice(0, 200) ?? null,
      address: request.socket.remoteAddress,
      served: [...served.names],
    });
    return false;
  };
  const requestListeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response) => {
    if (serves(request)) for (const listener of requestListeners) listener.call(server, request, response);
    else {
      response.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
      response.end('Misdirected request: this Zhili host does not serve that name. Use the address it printed at start, or add the name with --server-name.');
    }
  });
  const upgradeListeners = server.listeners('upgrade') as ((request: IncomingMessage, socket: Duplex, head: Buffer) => void)[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (serves(request)) for (const listener of upgradeListeners) listener.call(server, request, socket, head);
    else {
      // Node hands the raw socket over: a client that resets it now must not raise an unhandled 'error'.
      socket.on('error', (error: Error) => logger.debug('a refused upgrading socket failed', { code: errorCode(error) }));
      socket.end('HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });
}

/** A host's certificate and key (PEM), and what an operator pins or compares it by. */
export interface TlsCredentials {
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly selfSigned: boolean;
  /** The certificate's SHA-256 fingerprint, colon-separated hex, as browsers show it. */
  readonly fingerprint256: string;
  /** Base64 SHA-256 of the public key (SPKI): what Chromium's `--ignore-certificate-errors-spki-list` pins. */
  readonly spkiPin: string;
}

export interface HostCredentialsOptions {
  /** `--tls-cert` / `--tls-key`: the operator's certificate; null to use (or make) the self-signed one. */
  configured: { certFile: string; keyFile: string } | null;
  listenHost: string;
  served: ServedNames;
  /** Where the self-signed certificate and its key are kept (the data folder), reused on later starts. */
  selfSigned: { certFile: string; keyFile: string };
  logger: Logger;
  now?: Date;
}

/**
 * What an entry point (`web` host or `backend`) serves as, from its configuration: the names it answers to, and its
 * TLS credentials (the self-signed ones kept in the data folder as `<entry>-tls-cert.pem` and `<entry>-tls-key.pem`).
 */
export async function entryPointTls(
  entry: 'web' | 'backend',
  config: Pick<HostConfig, 'host' | 'serverNames' | 'tls' | 'dataDir'>,
  logger: Logger,
): Promise<{ served: ServedNames; tls: TlsCredentials | null }> {
  const served = servedNames(config.host, config.serverNames);
  const tls = await hostCredentials({
    configured: config.tls,
    listenHost: config.host,
    served,
    selfSigned: { certFile: join(config.dataDir, `${entry}-tls-cert.pem`), keyFile: join(config.dataDir, `${entry}-tls-key.pem`) },
    logger,
  });
  return { served, tls };
}

/** A self-signed certificate is made again (with the same key, so pins hold) when it has less than this left. */
const RENEW_BEFORE_MS = 30 * 24 * 3600_000;
const SELF_SIGNED_VALIDITY_DAYS = 365;

/**
 * The TLS credentials a host serves with: the configured files; else, when it listens beyond loopback, a self-signed
 * certificate for the names it serves (kept in the data folder, its key 0600, reused while it covers those names and
 * is not about to expire); else none (plain HTTP on loopback, which browsers treat as a secure context).
 */
export async function hostCredentials(options: HostCredentialsOptions): Promise<TlsCredentials | null> {
  if (options.configured !== null) {
    const cert = readPemFile(options.configured.certFile, '--tls-cert');
    const key = readPemFile(options.configured.keyFile, '--tls-key');
    const described = describe(cert, options.configured.certFile, '--tls-cert');
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(key);
    } catch (error) {
      throw new StartupError(`${options.configured.keyFile} given to --tls-key is not a PEM private key (${errorMessage(error)}).`, { cause: error });
    }
    if (!described.x509.checkPrivateKey(privateKey)) {
      throw new StartupError(`The key in ${options.configured.keyFile} does not belong to the certificate in ${options.configured.certFile}: give --tls-key the certificate's own key.`);
    }
    return { cert, key, certFile: options.configured.certFile, selfSigned: false, fingerprint256: described.x509.fingerprint256, spkiPin: described.spkiPin };
  }
  if (isLoopback(options.listenHost)) return null;
  return selfSignedCredentials(options);
}

async function selfSignedCredentials(options: HostCredentialsOptions): Promise<TlsCredentials> {
  const { certFile, keyFile } = options.selfSigned;
  const now = options.now ?? new Date();
  const names = [...options.served.names];
  let key: string | null = null;
  if (existsSync(keyFile) && existsSync(certFile)) {
    tightenFile(keyFile);
    key = readFileSync(keyFile, 'utf8');
    const cert = readFileSync(certFile, 'utf8');
    const kept = describeKept(cert, key);
    if (kept !== null) {
      const missing = names.filter((name) => !covers(kept.x509, name));
      const expiresSoon = new Date(kept.x509.validTo).getTime() - now.getTime() < RENEW_BEFORE_MS;
      if (missing.length === 0 && !expiresSoon) {
        return { cert, key, certFile, selfSigned: true, fingerprint256: kept.x509.fingerprint256, spkiPin: kept.spkiPin };
      }
      options.logger.info('making the self-signed certificate again with the same key', { certFile, missing, expiresSoon });
    } else {
      options.logger.warn('the kept self-signed certificate or key is unreadable; making a new pair', { certFile, keyFile });
      key = null;
    }
  }
  const notAfter = new Date(now.getTime() + SELF_SIGNED_VALIDITY_DAYS * 24 * 3600_000);
  const made = await generate([{ name: 'commonName', value: `Zhili ${hostname()}`.slice(0, 64) }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 3600_000),
    notAfterDate: notAfter,
    ...(key === null ? {} : { keyPair: { privateKey: key, publicKey: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString() } }),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map(subjectAltName) },
    ],
  });
  writePrivateFile(keyFile, made.private);
  writePrivateFile(certFile, made.cert);
  const described = describe(made.cert, certFile, 'the self-signed certificate');
  options.logger.info('made a self-signed certificate', { certFile, names, validTo: described.x509.validTo, fingerprint256: described.x509.fingerprint256 });
  return { cert: made.cert, key: made.private, certFile, selfSigned: true, fingerprint256: described.x509.fingerprint256, spkiPin: described.spkiPin };
}

function subjectAltName(name: string): { type: 2; value: string } | { type: 7; ip: string } {
  const bare = name.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) === 0 ? { type: 2, value: bare } : { type: 7, ip: bare };
}

function covers(x509: X509Certificate, name: string): boolean {
  const bare = name.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) === 0 ? x509.checkHost(bare, { wildcards: false }) !== undefined : x509.checkIP(bare) !== undefined;
}

/** A kept certificate with its key, or null when either is damaged or they do not belong together. */
function describeKept(cert: string, key: string): { x509: X509Certificate; spkiPin: string } | null {
  try {
    const x509 = new X509Certificate(cert);
    return x509.checkPrivateKey(createPrivateKey(key)) ? { x509, spkiPin: spkiPinOf(x509) } : null;
  } catch {
    return null;
  }
}

function describe(cert: string, file: string, option: string): { x509: X509Certificate; spkiPin: string } {
  try {
    const x509 = new X509Certificate(cert);
    return { x509, spkiPin: spkiPinOf(x509) };
  } catch (error) {
    throw new StartupError(`${file} given to ${option} is not a PEM certificate (${errorMessage(error)}).`, { cause: error });
  }
}

/** Base64 SHA-256 of a certificate's SubjectPublicKeyInfo (DER): the form Chromium and HPKP pin. */
export function spkiPinOf(x509: X509Certificate): string {
  return createHash('sha256').update(x509.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}

/** Reads a PEM file given on the command line; a missing or unreadable one stops the start with what to do. */
export function readPemFile(file: string, option: string): string {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new StartupError(`Cannot read ${file} given to ${option} (${errorCode(error) ?? errorMessage(error)}): give the path of a readable PEM file.`, { cause: error });
  }
  if (!content.includes('-----BEGIN ')) throw new StartupError(`${file} given to ${option} is not a PEM file (no "-----BEGIN" line).`);
  return content;
}

/**
 * The server of a host: HTTPS with these credentials, else plain HTTP, with the same limits either way (a TLS
 * handshake that fails is the client's business: Node closes it without an answer).
 */
export function createHostServer(tls: TlsCredentials | null, handler: RequestListener): Server {
  return tls === null ? createHttpServer(HTTP_SERVER_LIMITS, handler) : createHttpsServer({ ...HTTP_SERVER_LIMITS, cert: tls.cert, key: tls.key }, handler);
}

/** The start line that lets an operator check or pin the certificate a browser is shown. */
export function announceCertificate(label: string, tls: TlsCredentials): string {
  return `${label} certificate (${tls.selfSigned ? 'self-signed, ' : ''}${tls.certFile}): SHA-256 ${tls.fingerprint256}; SPKI pin sha256/${tls.spkiPin}`;
}
