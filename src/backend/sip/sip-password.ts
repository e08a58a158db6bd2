import { createHash } from 'node:crypto';

/** The password of a SIP user: what the rendered kamailio config computes with `{s.sha256}` (see kamailio-config.ts). */
export function sipPassword(secret: string, user: string): string {
  return createHash('sha256').update(`${secret}:${user}`).digest('hex');
}
