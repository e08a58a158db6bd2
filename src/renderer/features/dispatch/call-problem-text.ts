import type { CallProblem, CallProblemCode } from '../../../shared/dispatch/call-problem.js';
import type { PlainMessageKey, Translate } from '../../i18n/catalogue.js';
import { InsecureContextError } from '../secure-context/index.js';

/** Each code's message is `callProblem.<code>` (a code without one does not compile); an insecure page has its own. */
function messageOfCode(code: CallProblemCode): PlainMessageKey {
  return code === 'insecure-context' ? 'secureContext.required' : `callProblem.${code}`;
}

/** A problem in the operator's language, with what the far end or the browser said after it. */
export function callProblemText(t: Translate, problem: CallProblem): string {
  const text = t(messageOfCode(problem.code));
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
