export { CallProblemError, callProblemText, errorText } from './call-problem-text.js';
export { incomingQueue, liveCalls } from './call-state.js';
export { CallRow } from './CallConsole.js';
export { DispatcherSeat, identifyUser } from './dispatcher-seat.js';
export { DispatchView } from './DispatchView.js';
export { SipEngine } from './sip-engine.js';
