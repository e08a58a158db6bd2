import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/helpers/test-logger.js';
import { ProcessHealth } from './health.js';
import { HTTP_SERVER_LIMITS, guardRequests, guardServer, readCookie, requestUrl, sendFileStream } from './http-safety.js';

describe('readCookie', () => {
  it('finds a cookie among others and percent-decodes its value', () => {
    expect(readCookie('theme=dark; zhili_token=a%2Bb%3D; other=1', 'zhili_token')).toEqual({ value: 'a+b=' });
    expect(readCookie('zhili_token=x=y=z', 'zhili_token')).toEqual({ value: 'x=y=z' });
    expect(readCookie('  zhili_token = spaced ', 'zhili_token')).toEqual({ value: 'spaced' });
    expect(readCookie('zhili_token=', 'zhili_token')).toEqual({ value: '' });
  });

  it('says a value that is not valid percent-encoding is malformed instead of throwing', () => {
    for (const value of ['%E0%A4%A', '%', '%ZZ', '%C3%28', '%ED%A0%80']) {
      expect(readCookie(`zhili_token=${value}`, 'zhili_token')).toEqual({ malformed: true });
    }
  });

  it('is null when the header or the cookie is missing, or only names it', () => {
    expect(readCookie(undefined, 'zhili_token')).toBeNull();
    expect(readCookie('', 'zhili_token')).toBeNull();
    expect(readCookie(';;;==;', 'zhili_token')).toBeNull();
    expect(readCookie('zhili_token', 'zhili_token')).toBeNull();
    expect(readCookie('xzhili_token=1; zhili_tokens=2', 'zhili_token')).toBeNull();
  });
});

describe('requestUrl', () => {
  it('is null for a target that is no URL, where new URL() throws', () => {
    const request = (url: string) => ({ url }) as IncomingMessage;
    expect(requestUrl(request('//a:99999'), 'http://host.invalid')).toBeNull();
    expect(requestUrl(request('//[::1'), 'http://host.invalid')).toBeNull();
    expect(requestUrl(request('/map?x=%E0%A4%A'), 'http://host.invalid')?.pathname).toBe('/map');
    expect(requestUrl(request('http://other.example/a'), 'http://host.invalid')?.pathname).toBe('/a');
  });
});

describe('a guarded server', () => {
  let server: Server | null = null;
  let dir: string | null = null;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = null;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  const serve = async (handler: (request: IncomingMessage, response: ServerResponse) => unknown, health = new ProcessHealth()) => {
    const logger = recordingLogger();
    server = createServer(HTTP_SERVER_LIMITS, guardRequests(handler, logger, health));
    guardServer(server, logger);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logger, health };
  };

  it('answers 500 for a handler that throws or rejects, logs it with its stack and records it in the health', async () => {
    const { base, logger, health } = await serve((request) => {
      if (request.url?.startsWith('/throws')) throw new TypeError('a bug');
      return Promise.reject(new RangeError('an async bug'));
    });
    expect((await fetch(`${base}/throws?token=secret`)).status).toBe(500);
    expect((await fetch(`${base}/rejects`)).status).toBe(500);
    const errors = logger.records.filter((record) => record.level === 'error');
    expect(errors.map((record) => record.message)).toEqual([
      'programming error in a request handler: TypeError: a bug',
      'programming error in a request handler: RangeError: an async bug',
    ]);
    expect(errors[0]?.fields).toMatchObject({ method: 'GET', path: '/throws' });
    expect((errors[0]?.fields?.error as Error).stack).toContain('http-safety.test.ts');
    expect(health.report()).toMatchObject({
      status: 'degraded',
      degradations: [
        { reason: 'request handler: TypeError: a bug', count: 1 },
        { reason: 'request handler: RangeError: an async bug', count: 1 },
      ],
    });
  });

  it('answers what Node refuses to parse with its status and a closed connection, and logs why', async () => {
    const { base, logger } = await serve((_request, response) => response.end('served'));
    const port = Number(new URL(base).port);
    const answerTo = (bytes: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
        let received = '';
        socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
        socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''));
      });
    expect(await answerTo('GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(await answerTo(`GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(await answerTo('\x16\x03\x01garbage\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(logger.records.filter((record) => record.message === 'refused a malformed or slow request').map((record) => record.fields?.status)).toEqual([400, 431, 400]);
  });

  it('serves a file with its length, and one that vanished or is a folder as a logged 404', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zhili-http-safety-'));
    writeFileSync(join(dir, 'a.txt'), 'hello');
    const folder = dir;
    const { base, logger } = await serve((request, response) => sendFileStream(response, join(folder, (request.url ?? '').slice(1)), { 'Content-Type': 'text/plain' }, logger));
    const served = await fetch(`${base}/a.txt`);
    expect([served.status, served.headers.get('content-length'), await served.text()]).toEqual([200, '5', 'hello']);
    expect((await fetch(`${base}/gone.txt`)).status).toBe(404);
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect(logger.records.filter((record) => record.level === 'warn').map((record) => record.fields?.code)).toEqual(['ENOENT', 'not a file']);
  });
});
