import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED, createFileLogger, redact, redactText } from './logger.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zhili-logger-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const secret = 'Zq8-secret-value_0123456789';

describe('redact', () => {
  it('replaces the values of fields named like a secret, at any depth and in any case', () => {
    const fields = {
      token: secret,
      backendToken: secret,
      options: { sip: { secret }, auth: { Authorization: `Bearer ${secret}`, password: secret }, headers: { cookie: `zhili_token=${secret}` } },
      accounts: [{ user: 'disp-1', sipPassword: secret }],
      kept: 'plain',
      count: 3,
      none: null,
    };
    const out = JSON.stringify(redact(fields));
    expect(out).not.toContain(secret);
    expect(redact(fields)).toMatchObject({ token: REDACTED, backendToken: REDACTED, kept: 'plain', count: 3, none: null, accounts: [{ user: 'disp-1', sipPassword: REDACTED }] });
  });

  it('replaces token= in URLs and any other text, and leaves other query parameters', () => {
    expect(redactText(`http://0.0.0.0:7400/map?token=${secret}&role=map`)).toBe(`http://0.0.0.0:7400/map?token=${REDACTED}&role=map`);
    expect(redactText(`GET /media/cam.m3u8?TOKEN=${secret} failed`)).toBe(`GET /media/cam.m3u8?TOKEN=${REDACTED} failed`);
    expect(redact({ url: new URL(`ws://h/api/ws?token=${secret}`) })).toEqual({ url: `ws://h/api/ws?token=${REDACTED}` });
    expect(redactText('no secret here')).toBe('no secret here');
  });

  it('stops at a bounded depth instead of walking a cycle without end', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(JSON.stringify(redact(cyclic))).toContain('[too deep]');
  });
});

describe('createFileLogger', () => {
  it('writes no secret into the file or the operator echo, from fields, errors or the message', () => {
    const echoed: string[] = [];
    const logger = createFileLogger({ directory: join(dir, 'logs'), name: 'test', echo: (line) => echoed.push(line) });
    logger.child('web').warn(`host ready at http://h/?token=${secret}`, { token: secret, error: new Error(`fetch http://b/media?token=${secret} failed`) });
    const [file] = readdirSync(join(dir, 'logs'));
    const text = readFileSync(join(dir, 'logs', file as string), 'utf8');
    expect(text).toContain('host ready at http://h/?token=');
    expect(text).not.toContain(secret);
    expect(echoed.join('\n')).not.toContain(secret);
  });

  it('keeps its folder 0700 and its files 0600 whatever the umask, and tightens a day file left looser', () => {
    const previous = process.umask(0o000);
    try {
      const logs = join(dir, 'logs');
      const now = () => new Date('2026-12-06T10:00:00Z');
      createFileLogger({ directory: logs, name: 'a', now }).info('first');
      expect(statSync(logs).mode & 0o777).toBe(0o700);
      expect(statSync(join(logs, 'a-2026-12-06.log')).mode & 0o777).toBe(0o600);
      writeFileSync(join(logs, 'b-2026-12-06.log'), '');
      chmodSync(join(logs, 'b-2026-12-06.log'), 0o644);
      createFileLogger({ directory: logs, name: 'b', now }).info('again');
      expect(statSync(join(logs, 'b-2026-12-06.log')).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });
});
