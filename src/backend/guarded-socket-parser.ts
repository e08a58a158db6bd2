import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import { MAX_JSON_DEPTH, jsonTextShape } from '../shared/contract/json-text-shape.js';
import type { Logger } from '../node/logger.js';

/**
 * No event of the backend protocol carries more than its name and one payload. socket.io spreads an event's
 * arguments onto a function call, and a packet of some 100,000 of them overflows the stack outside any handler: an
 * uncaught RangeError that ended the backend.
 */
export const MAX_EVENT_ITEMS = 8;

/**
 * socket.io's own packet parser, refusing what no console sends before socket.io acts on it: nesting deeper than
 * MAX_JSON_DEPTH and events with more than MAX_EVENT_ITEMS arguments. A refused or undecodable packet is logged
 * here, then socket.io closes the connection (the engine's close is logged by the backend). Acknowledgements are
 * logged too: the backend never asks a console for one, so socket.io would drop them without a word.
 */
export function guardedSocketParser(logger: Logger): { Encoder: typeof Encoder; Decoder: typeof Decoder } {
  class GuardedDecoder extends Decoder {
    constructor() {
      super();
      this.on('decoded', (packet: Packet) => {
        if (packet.type === PacketType.ACK) logger.warn('rejected an acknowledgement the backend never asked for', { id: packet.id });
      });
    }

    override add(chunk: unknown): void {
      try {
        if (typeof chunk === 'string') refuseOutOfShape(chunk);
        super.add(chunk);
      } catch (error) {
        logger.warn('rejected a malformed socket.io packet; the connection is closed', { error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    }
  }
  return { Encoder, Decoder: GuardedDecoder };
}

function refuseOutOfShape(packet: string): void {
  const shape = jsonTextShape(packet);
  if (shape.depth > MAX_JSON_DEPTH) throw new Error(`the packet nests deeper than ${MAX_JSON_DEPTH} levels`);
  if (shape.outerItems > MAX_EVENT_ITEMS) throw new Error(`the packet has more than ${MAX_EVENT_ITEMS} arguments`);
}
