import type { CallProblem, CallProblemCode } from '../../../shared/dispatch/call-problem.js';
import type { PlainMessageKey, Translate } from '../../i18n/catalogue.js';
import { InsecureContextError } from '../secure-context/index.js';

const messageOfCode: Record<CallProblemCode, PlainMessageKey> = {
  'crew-busy': 'callProblem.crew-busy',
  'crew-declined': 'callProblem.crew-declined',
  'crew-unreachable': 'callProblem.crew-unreachable',
  cancelled: 'callProblem.cancelled',
  'seat-refused': 'callProblem.seat-refused',
  'call-failed': 'callProblem.call-failed',
  'media-not-allowed': 'callProblem.media-not-allowed',
  'media-missing': 'callProblem.media-missing',
  'media-in-use': 'callProblem.media-in-use',
  'media-failed': 'callProblem.media-failed',
  'insecure-context': 'secureContext.required',
  'media-lost': 'callProblem.media-lost',
  'answered-elsewhere': 'callProblem.answered-elsewhere',
  'group-mix-failed': 'callProblem.group-mix-failed',
  'mix-suspended': 'callProblem.mix-suspended',
  'hold-refused': 'callProblem.hold-refused',
  'hold-pending': 'callProblem.hold-pending',
  'transfer-refused': 'callProblem.transfer-refused',
  'seat-not-registered': 'callProblem.seat-not-registered',
  'registration-lapsed': 'callProblem.registration-lapsed',
  'registration-refused': 'callProblem.registration-refused',
  'registration-failed': 'callProblem.registration-failed',
  'registered-again': 'callProblem.registered-again',
  'sip-server-lost': 'callProblem.sip-server-lost',
  'sip-unavailable': 'callProblem.sip-unavailable',
  'call-request-failed': 'callProblem.call-request-failed',
  'call-log-failed': 'callProblem.call-log-failed',
  'call-log-unavailable': 'callProblem.call-log-unavailable',
  'console-stopped': 'callProblem.console-stopped',
};

/** A problem in the operator's language, with what the far end or the browser said after it. */
export function callProblemText(t: Translate, problem: CallProblem): string {
  const text = t(messageOfCode[problem.code]);
  return problem.detail === null ? text : `${text} (${problem.detail})`;
}

/** Thrown by the SIP engine and the seat, so that whoever catches it can say the problem in the operator's language. */
export class CallProblemError extends Error {
  constructor(readonly problem: CallProblem) {
    super(problem.detail === null ? problem.code : `${problem.code}: ${problem.detail}`);
    this.name = 'CallProblemError';
  }
}

/** What a caught error says to the operator: a call problem or an insecure page translated, anything else as it came. */
export function errorText(t: Translate, error: unknown): string {
  if (error instanceof CallProblemError) return callProblemText(t, error.problem);
  if (error instanceof InsecureContextError) return t('secureContext.required');
  return error instanceof Error ? error.message : String(error);
}
