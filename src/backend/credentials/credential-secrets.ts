import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** What an operator calls a console or a source when adding it: letters, digits, `.`, `_` and `-`, as in a file name. */
export function credentialNameSchema(subject: string) {
  return z.string().regex(/^[A-Za-z0-9][\w.-]{0,63}$/, `a ${subject} name is 1 to 64 letters, digits, ".", "_" or "-"`);
}

/**
 * A credential as its holder presents it: `<credential id>.<secret>`. The id (72 random bits) is public and finds the
 * row; the secret (256 random bits) is what proves the holder has it.
 */
const CREDENTIAL_PATTERN = /^([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{43})$/;

/** A fresh credential: both parts from node:crypto's CSPRNG, URL-safe so it fits a file, a variable or a header. */
export function generateCredential(): string {
  return `${randomBytes(9).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
}

/** The two parts of a credential, or null when the text is not one. */
export function splitCredential(credential: string): { credentialId: string; secret: string } | null {
  const parts = CREDENTIAL_PATTERN.exec(credential);
  if (!parts) return null;
  const [, credentialId, secret] = parts as unknown as [string, string, string];
  return { credentialId, secret };
}

/**
 * The secret's SHA-256. A password needs a slow KDF (scrypt, argon2) because people choose guessable ones; this secret
 * is 256 random bits, so no guess list exists and one fast hash already makes a stolen database useless for logging in.
 */
export function secretHash(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Whether `secret` is the one whose hash was kept, in time that does not depend on where they differ. */
export function secretMatches(secret: string, keptHash: Buffer): boolean {
  return timingSafeEqual(secretHash(secret), keptHash);
}
