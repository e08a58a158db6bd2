import { describe, expect, it } from 'vitest';
import { readClientMessage } from './client-message.js';

const read = (text: string) => readClientMessage(Buffer.from(text), false);

describe('readClientMessage', () => {
  it('reads a wire message', () => {
    expect(read('{"t":"call","id":1,"method":"host.info","params":{}}')).toEqual({ ok: true, message: { t: 'call', id: 1, method: 'host.info', params: {} } });
  });

  it('refuses binary frames, non-JSON text and other shapes, each with its reason and an invalid-message error', () => {
    expect(readClientMessage(Buffer.from('{"t":"subscribe","event":"feed.tick"}'), true)).toMatchObject({ ok: false, reason: 'binary frame', error: { code: 'invalid-message' } });
    expect(read('{"t":"call"')).toMatchObject({ ok: false, reason: 'not JSON', error: { code: 'invalid-message' } });
    expect(read('{"t":"call","id":-1,"method":"host.info","params":{}}')).toMatchObject({ ok: false, reason: 'not a wire message', error: { code: 'invalid-message', issues: [{ path: 'id' }] } });
  });

  it('refuses nesting deeper than 64 levels before parsing it, at any depth up to the size cap', () => {
    expect(read(`{"t":"call","id":1,"method":"x","params":${'['.repeat(62)}${']'.repeat(62)}}`).ok).toBe(true);
    for (const depth of [65, 10_000, 500_000]) {
      expect(read(`{"t":"call","id":1,"method":"x","params":${'['.repeat(depth)}${']'.repeat(depth)}}`)).toMatchObject({ ok: false, reason: 'too deep' });
    }
  });

  it('keeps "__proto__" an own key that sets no prototype', () => {
    const result = read('{"t":"call","id":1,"method":"host.info","params":{"__proto__":{"polluted":true}}}');
    expect(result.ok).toBe(true);
    if (!result.ok || result.message.t !== 'call') return;
    expect((result.message.params as { polluted?: boolean }).polluted).toBeUndefined();
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
