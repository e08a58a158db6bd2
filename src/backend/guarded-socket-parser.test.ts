import { describe, expect, it } from 'vitest';
import type { Packet } from 'socket.io-parser';
import { recordingLogger } from '../../test/helpers/test-logger.js';
import { guardedSocketParser } from './guarded-socket-parser.js';

function decoder() {
  const logger = recordingLogger();
  const { Decoder } = guardedSocketParser(logger);
  const instance = new Decoder();
  const decoded: Packet[] = [];
  instance.on('decoded', (packet: Packet) => decoded.push(packet));
  return { instance, decoded, warnings: () => logger.records.filter((record) => record.level === 'warn').map((record) => record.message) };
}

describe('guardedSocketParser', () => {
  it('decodes what a console sends, as socket.io does', () => {
    const { instance, decoded, warnings } = decoder();
    instance.add('0{"protocol":2,"consoleId":"c","appVersion":"1"}');
    instance.add('21["sync:pull",{"after":0,"limit":100}]');
    expect(decoded.map((packet) => [packet.type, packet.id, packet.data])).toEqual([
      [0, undefined, { protocol: 2, consoleId: 'c', appVersion: '1' }],
      [2, 1, ['sync:pull', { after: 0, limit: 100 }]],
    ]);
    expect(warnings()).toEqual([]);
  });

  it('refuses, and logs, an event with more arguments than any event takes (300,000 of them overflowed the stack in socket.io)', () => {
    const { instance, decoded, warnings } = decoder();
    expect(() => instance.add(`2["hello"${',0'.repeat(300_000)}]`)).toThrow(/more than 8 arguments/);
    expect(() => instance.add(`2["hello"${',0'.repeat(8)}]`)).toThrow(/more than 8 arguments/);
    expect(decoded).toEqual([]);
    expect(warnings()).toEqual(['rejected a malformed socket.io packet; the connection is closed', 'rejected a malformed socket.io packet; the connection is closed']);
  });

  it('refuses nesting deeper than 64 levels, in events and in binary events before their attachments', () => {
    const { instance, decoded, warnings } = decoder();
    expect(() => instance.add(`2["sync:push",${'['.repeat(100_000)}${']'.repeat(100_000)}]`)).toThrow(/deeper than 64/);
    expect(() => instance.add(`51-["sync:push",${'['.repeat(65)}{"_placeholder":true,"num":0}${']'.repeat(65)}]`)).toThrow(/deeper than 64/);
    expect(decoded).toEqual([]);
    expect(warnings()).toHaveLength(2);
  });

  it('logs what socket.io itself cannot decode before it closes the connection', () => {
    const { instance, warnings } = decoder();
    expect(() => instance.add('2garbage')).toThrow();
    expect(() => instance.add(Buffer.from([1, 2, 3]))).toThrow(/binary data/);
    expect(warnings()).toEqual(['rejected a malformed socket.io packet; the connection is closed', 'rejected a malformed socket.io packet; the connection is closed']);
  });

  it('logs an acknowledgement, which the backend never asks a console for', () => {
    const { instance, decoded, warnings } = decoder();
    instance.add('37[{"ok":true}]');
    expect(decoded).toHaveLength(1);
    expect(warnings()).toEqual(['rejected an acknowledgement the backend never asked for']);
  });
});
