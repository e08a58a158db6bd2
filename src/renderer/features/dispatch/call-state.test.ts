import { describe, expect, it } from 'vitest';
import { incomingQueue, liveCalls, outcomeOfResponse, parsePriority, recordOf, withoutOldEnded, type CallView } from './call-state.js';
import { CallRecordSchema } from '../../../shared/dispatch/call-record.js';

function call(id: string, patch: Partial<CallView> = {}): CallView {
  return {
    id,
    direction: 'incoming',
    party: { user: '6002', name: '双河口街道网格巡查2组', crewId: 'CR0002' },
    media: 'audio',
    priority: 'normal',
    phase: 'ringing',
    held: false,
    muted: false,
    startedAt: '2026-11-27T08:00:00.000Z',
    answeredAt: null,
    endedAt: null,
    outcome: 'ringing',
    problem: null,
    incidentId: null,
    runId: null,
    drill: false,
    groupCallId: null,
    dtmfReceived: '',
    quality: null,
    ...patch,
  };
}

describe('the incoming queue', () => {
  it('puts the most urgent first, then the longest waiting', () => {
    const calls = [
      call('normal-late', { startedAt: '2026-11-27T08:00:09.000Z' }),
      call('normal-early', { startedAt: '2026-11-27T08:00:01.000Z' }),
      call('emergency', { priority: 'emergency', startedAt: '2026-11-27T08:00:10.000Z' }),
      call('urgent', { priority: 'urgent', startedAt: '2026-11-27T08:00:05.000Z' }),
      call('outgoing', { direction: 'outgoing' }),
      call('talking', { phase: 'talking' }),
    ];
    expect(incomingQueue(calls).map((entry) => entry.id)).toEqual(['emergency', 'urgent', 'normal-early', 'normal-late']);
    expect(liveCalls(calls).map((entry) => entry.id)).toEqual(['outgoing', 'talking']);
  });

  it('reads the SIP Priority header, and anything else as normal', () => {
    expect(['emergency', ' Urgent', 'non-urgent', 'whatever', undefined].map(parsePriority)).toEqual(['emergency', 'urgent', 'non-urgent', 'normal', 'normal']);
  });
});

describe('a call that did not connect', () => {
  it('logs the call as what it was, with a problem code and the response the server gave', () => {
    expect(outcomeOfResponse(486, 'Busy Here')).toEqual({ outcome: 'busy', problem: { code: 'crew-busy', detail: '486 Busy Here' } });
    expect(outcomeOfResponse(480, 'Temporarily Unavailable')).toMatchObject({ outcome: 'unavailable', problem: { code: 'crew-unreachable' } });
    expect(outcomeOfResponse(603, 'Decline')).toMatchObject({ outcome: 'rejected', problem: { code: 'crew-declined' } });
    expect(outcomeOfResponse(487, 'Request Terminated')).toEqual({ outcome: 'cancelled', problem: { code: 'cancelled', detail: null } });
    expect(outcomeOfResponse(403, 'Forbidden')).toEqual({ outcome: 'failed', problem: { code: 'seat-refused', detail: '403 Forbidden' } });
    expect(outcomeOfResponse(500, 'Server Internal Error')).toMatchObject({ outcome: 'failed', problem: { code: 'call-failed' } });
  });
});

describe('the call log record', () => {
  it('is what the host accepts', () => {
    const ended = call('abcdefgh-1', { phase: 'ended', outcome: 'completed', answeredAt: '2026-11-27T08:00:04.000Z', endedAt: '2026-11-27T08:01:00.000Z' });
    expect(CallRecordSchema.safeParse(recordOf(ended, '值班员')).success).toBe(true);
  });

  it('drops the oldest ended calls from the screen first', () => {
    const state = { registration: 'registered' as const, registrationNote: null, user: 'disp-1', reregistrations: 0, calls: [call('a', { phase: 'ended' }), call('b'), call('c', { phase: 'ended' }), call('d', { phase: 'ended' })] };
    expect(withoutOldEnded(state, 2).calls.map((entry) => entry.id)).toEqual(['b', 'c', 'd']);
  });
});
