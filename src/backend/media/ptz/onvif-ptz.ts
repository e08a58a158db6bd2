import { createHash, randomBytes } from 'node:crypto';
import { PTZ_MOVE_LEASE_MS, type PtzCommand } from '../../../shared/media/ptz.js';
import type { OnvifPtz } from '../../../shared/media/cameras.js';

const PTZ_NS = 'http://www.onvif.org/ver20/ptz/wsdl';
const SCHEMA_NS = 'http://www.onvif.org/ver10/schema';
const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';
const REQUEST_TIMEOUT_MS = 3000;

/** WS-Security UsernameToken digest: Base64(SHA-1(nonce + created + password)), the nonce as raw bytes. */
export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')]))
    .digest('base64');
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
/** Velocities as ONVIF's generic space takes them: -1..1, a few decimals. */
const speed = (value: number) => String(Math.round(Math.min(1, Math.max(-1, value)) * 1000) / 1000);

/** The PTZ service operation a command is, and its body. */
export function ptzOperation(command: PtzCommand, profileToken: string): { action: string; body: string } {
  const profile = `<ProfileToken>${escapeXml(profileToken)}</ProfileToken>`;
  switch (command.kind) {
    case 'move':
      // The camera stops by itself when the lease runs out, as a move of ours does everywhere.
      return {
        action: 'ContinuousMove',
        body:
          `<ContinuousMove xmlns="${PTZ_NS}">${profile}<Velocity>` +
          `<PanTilt xmlns="${SCHEMA_NS}" x="${speed(command.pan)}" y="${speed(command.tilt)}"/>` +
          `<Zoom xmlns="${SCHEMA_NS}" x="${speed(command.zoom)}"/>` +
          `</Velocity><Timeout>PT${PTZ_MOVE_LEASE_MS / 1000}S</Timeout></ContinuousMove>`,
      };
    case 'stop':
      return { action: 'Stop', body: `<Stop xmlns="${PTZ_NS}">${profile}<PanTilt>true</PanTilt><Zoom>true</Zoom></Stop>` };
    case 'home':
      return { action: 'GotoHomePosition', body: `<GotoHomePosition xmlns="${PTZ_NS}">${profile}</GotoHomePosition>` };
  }
}

/** A SOAP 1.2 envelope with a WS-Security UsernameToken (digest) header. */
export function soapEnvelope(body: string, username: string, password: string, now: Date = new Date(), nonce: Buffer = randomBytes(16)): string {
  const created = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>` +
    `<Security s:mustUnderstand="1" xmlns="${WSSE_NS}"><UsernameToken>` +
    `<Username>${escapeXml(username)}</Username>` +
    `<Password Type="${PASSWORD_DIGEST}">${passwordDigest(nonce, created, password)}</Password>` +
    `<Nonce EncodingType="${BASE64_BINARY}">${nonce.toString('base64')}</Nonce>` +
    `<Created xmlns="${WSU_NS}">${created}</Created>` +
    `</UsernameToken></Security></s:Header><s:Body>${body}</s:Body></s:Envelope>`
  );
}

/** The reason in a SOAP fault (`<…:Text>` of `<…:Reason>`), or the start of whatever came back. */
export function soapFaultReason(xml: string): string {
  const reason = /<(?:\w+:)?Reason>\s*<(?:\w+:)?Text[^>]*>([^<]*)</.exec(xml)?.[1];
  const subcode = /<(?:\w+:)?Subcode>\s*<(?:\w+:)?Value>([^<]*)</.exec(xml)?.[1];
  if (reason || subcode) return [subcode, reason].filter(Boolean).join(': ');
  return xml.replace(/\s+/g, ' ').slice(0, 200);
}

/**
 * A camera's PTZ head over ONVIF: each command one SOAP request to its PTZ service. ONVIF cameras do not report
 * their position here (GetStatus is not asked), so a command answers with none.
 */
export class OnvifPtzHead {
  constructor(
    readonly cameraId: string,
    private readonly device: OnvifPtz,
  ) {}

  async command(command: PtzCommand): Promise<null> {
    const { action, body } = ptzOperation(command, this.device.profileToken);
    let response: Response;
    try {
      response = await fetch(this.device.url, {
        method: 'POST',
        headers: { 'content-type': `application/soap+xml; charset=utf-8; action="${PTZ_NS}/${action}"` },
        body: soapEnvelope(body, this.device.username, this.device.password),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(`The camera's PTZ service at ${this.device.url} did not answer (${(error as Error).message}).`, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`The camera refused ${action} (HTTP ${response.status}: ${soapFaultReason(text)}).`);
    return null;
  }

  dispose(): void {
    // Nothing is held between requests.
  }
}
