export { RequestClaims } from './request-claims.js';
export { createApiDispatch, type ApiDispatch, type ApiHandlers, type CallOrigin, type Caller, type SessionSlot } from './dispatcher.js';
export { EventHub, type EventDelivery, type HubConnection } from './event-hub.js';
