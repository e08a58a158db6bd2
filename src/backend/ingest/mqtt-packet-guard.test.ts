import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { generate } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { guardMqttPacketSize } from './mqtt-packet-guard.js';

/** A connection's data events, as aedes' reads emit them, in chunks cut anywhere. */
function guarded(maxBytes: number) {
  const socket = new EventEmitter();
  const refused: number[] = [];
  guardMqttPacketSize(socket as unknown as Socket, maxBytes, (declared) => refused.push(declared));
  const send = (bytes: Buffer, chunk = bytes.length) => {
    for (let offset = 0; offset < bytes.length; offset += chunk) socket.emit('data', bytes.subarray(offset, offset + chunk));
  };
  return { send, refused };
}

const publish = (bytes: number) => generate({ cmd: 'publish', topic: 'zhili/v1/sensors/S1/reading', payload: Buffer.alloc(bytes), qos: 0, retain: false, dup: false });
const connect = generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'c1', clean: true, keepalive: 30, username: 'source', password: Buffer.from('secret') });

describe('guardMqttPacketSize', () => {
  it('lets packets under the limit through, however the stream is cut', () => {
    for (const chunk of [1, 3, 7, 1000]) {
      const { send, refused } = guarded(64 * 1024);
      send(Buffer.concat([connect, publish(10), publish(60_000), generate({ cmd: 'pingreq' }), publish(0)]), chunk);
      expect(refused).toEqual([]);
    }
  });

  it('refuses a packet that declares more than the limit from its header alone, before its body', () => {
    const { send, refused } = guarded(64 * 1024);
    const huge = publish(200 * 1024 * 1024 - 100);
    // Only the first bytes arrive: the header says enough.
    send(Buffer.concat([connect, huge.subarray(0, 8)]), 2);
    expect(refused).toEqual([huge.length - 5]);
  });

  it('refuses a length of five bytes, which is not MQTT', () => {
    const { send, refused } = guarded(64 * 1024);
    send(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x80, 0x01]));
    expect(refused).toHaveLength(1);
  });
});
