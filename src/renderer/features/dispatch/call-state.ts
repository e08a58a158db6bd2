import type { CallOutcome, CallPriority, CallRecord } from '../../../shared/dispatch/call-record.js';
import { callProblem, type CallProblem } from '../../../shared/dispatch/call-problem.js';
import type { CallParty } from '../../../shared/dispatch/call-request.js';
import { InsecureContextError } from '../secure-context/index.js';

export type RegistrationState = 'idle' | 'connecting' | 'registered' | 'reconnecting' | 'rejected' | 'unavailable';

/** A call as the dispatch screen shows it: plain data; the SIP session behind it stays in the engine. */
export interface CallView {
  id: string;
  direction: 'outgoing' | 'incoming';
  party: CallParty;
  media: 'audio' | 'video';
  priority: CallPriority;
  phase: 'ringing' | 'talking' | 'ended';
  held: boolean;
  muted: boolean;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  outcome: CallOutcome;
  problem: CallProblem | null;
  incidentId: string | null;
  runId: string | null;
  drill: boolean;
  groupCallId: string | null;
  /** DTMF digits the far end sent during the call. */
  dtmfReceived: string;
  /** The last sample of the call's media (every 2 s while talking). */
  quality: CallQuality | null;
}

export interface CallQuality {
  audioBytesIn: number;
  audioBytesOut: number;
  videoFramesIn: number;
  jitterMs: number | null;
  rttMs: number | null;
  lossPct: number;
  /** Loudness of what arrives (0-1), from the receiver's statistics. */
  audioLevel: number | null;
}

export interface SipState {
  registration: RegistrationState;
  /** What is wrong with the registration, or what just happened to it (re-registered after a loss). */
  registrationNote: CallProblem | null;
  user: string | null;
  /** Times the user agent got its registration back after losing it (the screen says so). */
  reregistrations: number;
  calls: CallView[];
}

export const initialSipState: SipState = { registration: 'idle', registrationNote: null, user: null, reregistrations: 0, calls: [] };

/** What a new call carries; everything else starts as a call that is ringing. */
export type NewCall = Pick<CallView, 'id' | 'direction' | 'party' | 'media' | 'priority' | 'incidentId' | 'runId' | 'drill' | 'groupCallId'>;

export function ringingCall(call: NewCall, at: Date): CallView {
  return {
    ...call,
    phase: 'ringing',
    held: false,
    muted: false,
    startedAt: at.toISOString(),
    answeredAt: null,
    endedAt: null,
    outcome: 'ringing',
    problem: null,
    dtmfReceived: '',
    quality: null,
  };
}

const priorityRank: Record<CallPriority, number> = { emergency: 0, urgent: 1, normal: 2, 'non-urgent': 3 };

/** Incoming calls waiting for an answer: the most urgent first, then the longest waiting. */
export function incomingQueue(calls: readonly CallView[]): CallView[] {
  return calls
    .filter((call) => call.direction === 'incoming' && call.phase === 'ringing')
    .sort((a, b) => priorityRank[a.priority] - priorityRank[b.priority] || a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
}

/** Calls that are not over, apart from the incoming queue. */
export function liveCalls(calls: readonly CallView[]): CallView[] {
  return calls.filter((call) => call.phase !== 'ended' && !(call.direction === 'incoming' && call.phase === 'ringing'));
}

export function parsePriority(header: string | undefined): CallPriority {
  const value = header?.trim().toLowerCase();
  return value === 'emergency' || value === 'urgent' || value === 'non-urgent' ? value : 'normal';
}

/** What a final SIP response to our INVITE means for the call log, and what to tell the dispatcher. */
export function outcomeOfResponse(statusCode: number, reason: string): { outcome: CallOutcome; problem: CallProblem } {
  const response = `${statusCode} ${reason}`.trim();
  if (statusCode === 486 || statusCode === 600) return { outcome: 'busy', problem: callProblem('crew-busy', response) };
  if (statusCode === 603) return { outcome: 'rejected', problem: callProblem('crew-declined', response) };
  if (statusCode === 480 || statusCode === 404 || statusCode === 408) return { outcome: 'unavailable', problem: callProblem('crew-unreachable', response) };
  if (statusCode === 487) return { outcome: 'cancelled', problem: callProblem('cancelled') };
  if (statusCode === 401 || statusCode === 403 || statusCode === 407) return { outcome: 'failed', problem: callProblem('seat-refused', response) };
  return { outcome: 'failed', problem: callProblem('call-failed', response) };
}

/** A failure to get the microphone or camera, as a problem the dispatcher can act on. */
export function mediaProblem(error: unknown): CallProblem {
  const name = error instanceof Error ? error.name : '';
  if (error instanceof InsecureContextError) return callProblem('insecure-context');
  if (name === 'NotAllowedError') return callProblem('media-not-allowed');
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return callProblem('media-missing');
  if (name === 'NotReadableError') return callProblem('media-in-use');
  return callProblem('media-failed', error instanceof Error ? error.message : String(error));
}

export function recordOf(call: CallView, operator: string): CallRecord {
  return {
    id: call.id,
    direction: call.direction,
    media: call.media,
    peer: { user: call.party.user, name: call.party.name, crewId: call.party.crewId },
    priority: call.priority,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    outcome: call.outcome,
    problem: call.problem,
    incidentId: call.incidentId,
    runId: call.runId,
    drill: call.drill,
    groupCallId: call.groupCallId,
    operator,
  };
}

export function withCall(state: SipState, id: string, change: (call: CallView) => CallView): SipState {
  let changed = false;
  const calls = state.calls.map((call) => {
    if (call.id !== id) return call;
    changed = true;
    return change(call);
  });
  return changed ? { ...state, calls } : state;
}

/** Ended calls stay on screen for a while so the dispatcher sees how they ended; older ones drop off. */
export function withoutOldEnded(state: SipState, keep: number): SipState {
  const ended = state.calls.filter((call) => call.phase === 'ended');
  if (ended.length <= keep) return state;
  const drop = new Set(ended.slice(0, ended.length - keep).map((call) => call.id));
  return { ...state, calls: state.calls.filter((call) => !drop.has(call.id)) };
}
