import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessToken, announceUrl } from './token.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zhili-token-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('accessToken', () => {
  it('asks none on loopback, takes a configured one, and keeps a made one 0600 across starts', () => {
    const file = join(dir, 'web-token');
    expect(accessToken(null, false, file)).toBeNull();
    expect(accessToken('chosen', true, file)).toEqual({ value: 'chosen', file: null, createdNow: false });
    const made = accessToken(null, true, file);
    expect(made).toMatchObject({ file, createdNow: true });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(accessToken(null, true, file)).toEqual({ value: made?.value, file, createdNow: false });
  });

  it('tightens a kept file and replaces a damaged one with a new token', () => {
    const file = join(dir, 'web-token');
    writeFileSync(file, `${'a'.repeat(22)}\n`);
    chmodSync(file, 0o644);
    expect(accessToken(null, true, file)).toMatchObject({ value: 'a'.repeat(22), createdNow: false });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'not a token!');
    const made = accessToken(null, true, file);
    expect(made?.createdNow).toBe(true);
    expect(readFileSync(file, 'utf8').trim()).toBe(made?.value);
  });
});

describe('announceUrl', () => {
  it('prints the token only when it was just made', () => {
    const url = 'http://0.0.0.0:7400/?token=abc';
    expect(announceUrl('Zhili web host', url, null)).toBe(`Zhili web host: ${url}`);
    expect(announceUrl('Zhili web host', url, { value: 'abc', file: '/d/web-token', createdNow: true })).toBe(`Zhili web host: ${url}`);
    expect(announceUrl('Zhili web host', url, { value: 'abc', file: '/d/web-token', createdNow: false })).toBe(
      'Zhili web host: http://0.0.0.0:7400/?token=[redacted] (the token is in /d/web-token)',
    );
    expect(announceUrl('Zhili web host', url, { value: 'abc', file: null, createdNow: false })).not.toContain('abc');
  });
});
