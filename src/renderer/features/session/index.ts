export { SessionModel, perCredential } from './session-model.js';
export { credentialStatus, enrolmentLink, isAdministrator, seesTheWall } from './session-state.js';
export type { EnrolmentTarget } from './session-state.js';
export { ConnectingView, LockStrip, RefusalBanner, SessionBadge, SignInProblemNote, SignInView } from './SessionViews.js';
