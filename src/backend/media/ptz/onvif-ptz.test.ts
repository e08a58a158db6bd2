import { createServer, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { OnvifPtzHead, passwordDigest, ptzOperation, soapEnvelope, soapFaultReason } from './onvif-ptz.js';

describe('ONVIF PTZ requests', () => {
  it('digests the password as WS-Security says (the ONVIF Application Programmer\'s Guide example)', () => {
    expect(passwordDigest(Buffer.from('LKqI6G/AikKCQrN0zqZFlg==', 'base64'), '2010-09-16T07:50:45Z', 'userpassword')).toBe('tuOSpGlFlIXsozq4HFNeeGeFLEI=');
  });

  it('puts the token in the header and the operation in the body, escaping what it quotes', () => {
    const nonce = Buffer.from('LKqI6G/AikKCQrN0zqZFlg==', 'base64');
    const envelope = soapEnvelope('<Stop/>', 'admin<1>', 'userpassword', new Date('2010-09-16T07:50:45.123Z'), nonce);
    expect(envelope).toContain('<Username>admin&#60;1&#62;</Username>');
    expect(envelope).toContain('#PasswordDigest">tuOSpGlFlIXsozq4HFNeeGeFLEI=</Password>');
    expect(envelope).toContain('>LKqI6G/AikKCQrN0zqZFlg==</Nonce>');
    expect(envelope).toContain('>2010-09-16T07:50:45Z</Created>');
    expect(envelope).toContain('<s:Body><Stop/></s:Body>');
  });

  it('moves with a velocity and a timeout, stops both axes, and goes home', () => {
    const move = ptzOperation({ kind: 'move', pan: 0.5, tilt: -1, zoom: 0 }, 'profile_1');
    expect(move.action).toBe('ContinuousMove');
    expect(move.body).toContain('<ProfileToken>profile_1</ProfileToken>');
    expect(move.body).toContain('<PanTilt xmlns="http://www.onvif.org/ver10/schema" x="0.5" y="-1"/>');
    expect(move.body).toContain('<Zoom xmlns="http://www.onvif.org/ver10/schema" x="0"/>');
    expect(move.body).toContain('<Timeout>PT3S</Timeout>');
    expect(ptzOperation({ kind: 'stop' }, 'p').body).toContain('<PanTilt>true</PanTilt><Zoom>true</Zoom>');
    expect(ptzOperation({ kind: 'home' }, 'p').action).toBe('GotoHomePosition');
  });

  it('reads the reason of a SOAP fault', () => {
    const fault =
      '<env:Envelope><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code>' +
      '<env:Reason><env:Text xml:lang="en">Sender not Authorized</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>';
    expect(soapFaultReason(fault)).toBe('ter:NotAuthorized: Sender not Authorized');
  });
});

/**
 * The HTTP exchange only: a local server in the camera's place records what arrives and answers as the camera would.
 * No ONVIF camera is reachable here, so the requests' acceptance by a real one is not tested.
 */
describe('OnvifPtzHead over HTTP', () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  async function device(status: number, body: string): Promise<{ url: string; received: { headers: IncomingMessage['headers']; body: string }[] }> {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        received.push({ headers: request.headers, body: text });
        response.writeHead(status, { 'content-type': 'application/soap+xml' }).end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return { url: `http://127.0.0.1:${address.port}/onvif/ptz_service`, received };
  }

  it('posts the operation with its SOAP action', async () => {
    const camera = await device(200, '<Envelope><Body><ContinuousMoveResponse/></Body></Envelope>');
    const head = new OnvifPtzHead('CM000001', { kind: 'onvif', url: camera.url, username: 'admin', password: 'pw', profileToken: 'Profile_1' });
    expect(await head.command({ kind: 'move', pan: 1, tilt: 0, zoom: 0 })).toBeNull();
    expect(camera.received[0]?.headers['content-type']).toBe('application/soap+xml; charset=utf-8; action="http://www.onvif.org/ver20/ptz/wsdl/ContinuousMove"');
    expect(camera.received[0]?.body).toContain('<ContinuousMove xmlns="http://www.onvif.org/ver20/ptz/wsdl"><ProfileToken>Profile_1</ProfileToken>');
  });

  it('says why a camera refused, and which camera did not answer', async () => {
    const camera = await device(400, '<Envelope><Body><Fault><Reason><Text>Sender not Authorized</Text></Reason></Fault></Body></Envelope>');
    const head = new OnvifPtzHead('CM000001', { kind: 'onvif', url: camera.url, username: 'admin', password: 'wrong', profileToken: 'Profile_1' });
    await expect(head.command({ kind: 'stop' })).rejects.toThrow('The camera refused Stop (HTTP 400: Sender not Authorized).');
    const gone = new OnvifPtzHead('CM000002', { kind: 'onvif', url: 'http://127.0.0.1:9/onvif/ptz_service', username: 'a', password: 'b', profileToken: 'p' });
    await expect(gone.command({ kind: 'stop' })).rejects.toThrow(/PTZ service at http:\/\/127.0.0.1:9\/onvif\/ptz_service did not answer/);
  });
});
