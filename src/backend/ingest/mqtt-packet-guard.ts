import type { Socket } from 'node:net';

/**
 * Follows the MQTT packets on a connection by their fixed headers only (a type byte, then the remaining length as a
 * variable-length integer of at most four bytes) and calls `refuse` with the declared length as soon as a packet says
 * it is longer than `maxPacketBytes`, before its body arrives. aedes (through mqtt-packet) would otherwise buffer a
 * declared length of up to 256 MB, even before the client has logged in. Hand-written because mqtt-packet only
 * reports a packet once it has buffered all of it; the length prefix is all this needs.
 *
 * It reads what the broker reads: a 'data' listener beside aedes' 'readable' one sees each chunk aedes takes.
 */
export function guardMqttPacketSize(socket: Socket, maxPacketBytes: number, refuse: (declaredBytes: number) => void): void {
  let state: 'type' | 'length' | 'body' = 'type';
  let length = 0;
  let lengthBytes = 0;
  let bodyLeft = 0;
  let refused = false;
  socket.on('data', (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length && !refused) {
      if (state === 'body') {
        const skipped = Math.min(bodyLeft, chunk.length - offset);
        bodyLeft -= skipped;
        offset += skipped;
        if (bodyLeft === 0) state = 'type';
      } else if (state === 'type') {
        offset += 1;
        [state, length, lengthBytes] = ['length', 0, 0];
      } else {
        const byte = chunk[offset] as number;
        offset += 1;
        length += (byte & 0x7f) * 128 ** lengthBytes;
        lengthBytes += 1;
        const more = (byte & 0x80) !== 0;
        if (more && lengthBytes < 4) continue;
        // A fifth length byte is not MQTT; a length past the limit is refused before its body is read.
        if (more || length > maxPacketBytes) {
          refused = true;
          refuse(length);
          return;
        }
        bodyLeft = length;
        state = bodyLeft > 0 ? 'body' : 'type';
      }
    }
  });
}
