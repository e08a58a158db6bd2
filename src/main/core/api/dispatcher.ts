import {
  apiMethods,
  isApiMethodName,
  type ApiMethodName,
  type ApiParsedParams,
  type ApiResult,
} from '../../../shared/contract/api.js';
import { ApiFailure, apiError, issuesOf, shortened, type ApiResponse } from '../../../shared/contract/errors.js';
import type { Role } from '../../../shared/domain/roles.js';
import { authorise } from '../../../shared/identity/access.js';
import type { Principal } from '../../../shared/identity/principal.js';
import type { Logger } from '../../../node/logger.js';

/**
 * The credential a connection (a window, a tab, a phone) holds: the transport keeps it, from a cookie or from a
 * sign-in on that connection, and sign-in, one-time codes and sign-out replace it.
 */
export interface SessionSlot {
  readonly credential: string | null;
  adopt(secret: string | null): void;
}

/** Where a call came from: the transport, the window or browser tab, the role it shows, its address, its credential. */
export interface CallOrigin {
  transport: 'ipc' | 'web' | 'test';
  clientId: string;
  role: Role | null;
  /** The peer's network address ('local' for an Electron window): what the sign-in throttle counts by. */
  address: string;
  session: SessionSlot;
}

/** What a handler sees: the origin and who is calling, established from the credential as stored now. */
export interface Caller extends CallOrigin {
  principal: Principal;
}

export type ApiHandlers = {
  [M in ApiMethodName]: (params: ApiParsedParams<M>, caller: Caller) => ApiResult<M> | Promise<ApiResult<M>>;
};

export type ApiDispatch = (method: string, params: unknown, origin: CallOrigin) => Promise<ApiResponse<unknown>>;

/**
 * The host boundary shared by both transports: the method name is checked against the contract, the params are
 * parsed with the method's schema, and every failure comes back as data. Nothing a caller sends can throw past here.
 */
export function createApiDispatch(handlers: ApiHandlers, principalFor: (credential: string | null) => Principal, logger: Logger): ApiDispatch {
  return async (method, params, origin) => {
    if (!isApiMethodName(method)) {
      logger.warn('rejected a call to an unknown method', { method: shortened(method), origin });
      return { ok: false, error: apiError('unknown-method', `Unknown method "${shortened(method)}".`) };
    }
    const parsed = apiMethods[method].params.safeParse(params ?? {});
    if (!parsed.success) {
      logger.warn('rejected a call with invalid params', { method, origin, issues: issuesOf(parsed.error) });
      return {
        ok: false,
        error: apiError('invalid-params', `Invalid params for "${method}".`, issuesOf(parsed.error)),
      };
    }
    const principal = principalFor(origin.session.credential);
    const refusal = authorise(principal, method, parsed.data);
    if (refusal) {
      logger.warn('refused a call', { method, clientId: origin.clientId, address: origin.address, caller: principal.kind === 'anonymous' ? 'anonymous' : principal.credentialId, code: refusal.code });
      return { ok: false, error: refusal };
    }
    try {
      const handler = handlers[method] as (params: unknown, caller: Caller) => unknown;
      return { ok: true, value: await handler(parsed.data, { ...origin, principal }) };
    } catch (error) {
      if (error instanceof ApiFailure) return { ok: false, error: error.error };
      logger.error('handler failed', { method, origin, error });
      return { ok: false, error: apiError('internal', `"${method}" failed inside the host; see the host log.`) };
    }
  };
}
