import { randomBytes, timingSafeEqual } from 'node:crypto';

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
