import { randomBytes } from 'node:crypto';

/** An access token for clients on the LAN: 128 bits, URL-safe. */
export function generateToken(): string {
  return randomBytes(16).toString('base64url');
}
