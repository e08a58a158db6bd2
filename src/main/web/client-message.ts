import type { RawData } from 'ws';
import { ClientMessageSchema, type ClientMessage } from '../../shared/contract/wire.js';
import { apiError, issuesOf, type ApiError } from '../../shared/contract/errors.js';
import { MAX_JSON_DEPTH, jsonTextShape } from '../../shared/contract/json-text-shape.js';

export type ReadClientMessage = { ok: true; message: ClientMessage } | { ok: false; reason: 'binary frame' | 'too deep' | 'not JSON' | 'not a wire message'; error: ApiError };

const expected = 'The host could not read that message; it expects the JSON messages of the Zhili wire protocol.';

/**
 * One WebSocket frame from a tab, read as a wire message or refused with the reason (for the log) and the error to
 * answer. Nesting is checked before parsing: nothing downstream has to recurse over a hostile depth.
 */
export function readClientMessage(data: RawData, isBinary: boolean): ReadClientMessage {
  if (isBinary) return { ok: false, reason: 'binary frame', error: apiError('invalid-message', `${expected} It sent a binary frame.`) };
  const text = data.toString();
  if (jsonTextShape(text).depth > MAX_JSON_DEPTH) {
    return { ok: false, reason: 'too deep', error: apiError('invalid-message', `${expected} It nests deeper than ${MAX_JSON_DEPTH} levels.`) };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON', error: apiError('invalid-message', expected) };
  }
  const message = ClientMessageSchema.safeParse(raw);
  if (!message.success) return { ok: false, reason: 'not a wire message', error: apiError('invalid-message', expected, issuesOf(message.error)) };
  return { ok: true, message: message.data };
}
