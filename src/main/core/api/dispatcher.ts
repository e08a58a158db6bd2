import {
  apiMethods,
  isApiMethodName,
  type ApiMethodName,
  type ApiParsedParams,
  type ApiResult,
} from '../../../shared/contract/api.js';
import { ApiFailure, apiError, issuesOf, shortened, type ApiResponse } from '../../../shared/contract/errors.js';
import type { Role } from '../../../shared/domain/roles.js';
import type { Logger } from '../../../node/logger.js';

/** Who made a call: the transport, the window or browser tab, and the role it shows (for audit trails). */
export interface CallOrigin {
  transport: 'ipc' | 'web' | 'test';
  clientId: string;
  role: Role | null;
}

export type ApiHandlers = {
  [M in ApiMethodName]: (params: ApiParsedParams<M>, origin: CallOrigin) => ApiResult<M> | Promise<ApiResult<M>>;
};

export type ApiDispatch = (method: string, params: unknown, origin: CallOrigin) => Promise<ApiResponse<unknown>>;

/**
 * The host boundary shared by both transports: the method name is checked against the contract, the params are
 * parsed with the method's schema, and every failure comes back as data. Nothing a caller sends can throw past here.
 */
export function createApiDispatch(handlers: ApiHandlers, logger: Logger): ApiDispatch {
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
    try {
      const handler = handlers[method] as (params: unknown, origin: CallOrigin) => unknown;
      return { ok: true, value: await handler(parsed.data, origin) };
    } catch (error) {
      if (error instanceof ApiFailure) return { ok: false, error: error.error };
      logger.error('handler failed', { method, origin, error });
      return { ok: false, error: apiError('internal', `"${method}" failed inside the host; see the host log.`) };
    }
  };
}
