import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { redactText } from './logger.js';
import { tightenFile, writePrivateFile } from './private-files.js';

/** An access token for clients on the LAN: 128 bits, URL-safe. */
export function generateToken(): string {
  return randomBytes(16).toString('base64url');
}

/** Compares a token offered by a client with the expected one in constant time. */
export function sameSecret(offered: string, expected: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a host listening beyond loopback asks for, and whether the operator has seen it before. */
export interface AccessToken {
  value: string;
  /** Where it is kept (null: the operator gave it with --token-file or the environment). */
  file: string | null;
  /** True only on the start that made it: then, and only then, it is printed in full. */
  createdNow: boolean;
}

const STORED_TOKEN = /^[A-Za-z0-9_-]{22,128}$/;

/**
 * The access token of a host: the one configured, else none on loopback, else the one kept in `file` (0600 in the data
 * folder) so that a restart keeps every wall screen signed in, made there on the first start.
 */
export function accessToken(configured: string | null, listensBeyondLoopback: boolean, file: string): AccessToken | null {
  if (configured !== null) return { value: configured, file: null, createdNow: false };
  if (!listensBeyondLoopback) return null;
  if (existsSync(file)) {
    tightenFile(file);
    const stored = readFileSync(file, 'utf8').trim();
    if (STORED_TOKEN.test(stored)) return { value: stored, file, createdNow: false };
  }
  const value = generateToken();
  writePrivateFile(file, `${value}\n`);
  return { value, file, createdNow: true };
}

/** The line that tells the operator a host's URL: with the token the first time only, later where to find it. */
export function announceUrl(label: string, url: string, token: AccessToken | null): string {
  if (token === null || token.createdNow) return `${label}: ${url}`;
  const masked = redactText(url);
  return `${label}: ${masked} (the token is ${token.file === null ? 'the one configured with --token-file or ZHILI_TOKEN' : `in ${token.file}`})`;
}
