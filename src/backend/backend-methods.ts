import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { Logger } from '../node/logger.js';
import { issuesOf, shortened } from '../shared/contract/errors.js';
import {
  backendMethods,
  type BackendClientToServerEvents,
  type BackendMethodName,
  type BackendReply,
  type BackendResult,
  type BackendServerToClientEvents,
} from '../shared/backend/protocol.js';

/** Who is calling: the console its credential names (never what its handshake claims). */
export interface CallingConsole {
  consoleId: string;
}

/** One handler per backend method, given the request already checked against the method's schema. */
export type BackendHandlers = {
  [M in BackendMethodName]: (request: z.output<(typeof backendMethods)[M]['request']>, caller: CallingConsole) => BackendResult<M> | Promise<BackendResult<M>>;
};

type BackendSocket = Socket<BackendClientToServerEvents, BackendServerToClientEvents>;

/**
 * Serves every method of the backend protocol on one console's socket, the one way: the request is checked against
 * its schema (a refusal is logged and answered with what was wrong), the handler's value or error is the reply, and
 * a call without an acknowledgement to reply on changes nothing.
 */
export function serveBackendMethods(socket: BackendSocket, handlers: BackendHandlers, caller: CallingConsole, logger: Logger): void {
  for (const method of Object.keys(backendMethods) as BackendMethodName[]) {
    // socket.io's typed `on` cannot name a method chosen at run time; every method has the same (request, reply) shape.
    (socket as unknown as { on(event: string, listener: (...args: unknown[]) => void): void }).on(method, (request: unknown, reply: unknown) => {
      if (typeof request === 'function' && reply === undefined) {
        // An older console's call with no request argument: answered, so it does not wait for ever.
        logger.warn('rejected an invalid payload', { consoleId: caller.consoleId, event: method, issues: [{ path: '(root)', message: 'no request' }] });
        (request as (result: BackendReply<unknown>) => void)({ ok: false, error: `The request to ${method} is missing: send null for a method without parameters.` });
        return;
      }
      if (typeof reply !== 'function') {
        logger.warn('rejected an event without an acknowledgement', { consoleId: caller.consoleId, event: method });
        return;
      }
      const send = (result: BackendReply<unknown>) => (reply as (result: BackendReply<unknown>) => void)(result);
      const parsed = backendMethods[method].request.safeParse(request);
      if (!parsed.success) {
        const issues = issuesOf(parsed.error);
        logger.warn('rejected an invalid payload', { consoleId: caller.consoleId, event: method, issues });
        send({ ok: false, error: `The request to ${method} is not valid: ${shortened(issues.map((issue) => `${issue.path} ${issue.message}`).join('; '))}` });
        return;
      }
      const failed = (error: unknown) => send({ ok: false, error: error instanceof Error ? error.message : String(error) });
      try {
        const handler = handlers[method] as (request: unknown, caller: CallingConsole) => unknown;
        Promise.resolve(handler(parsed.data, caller)).then((value) => send({ ok: true, value }), failed);
      } catch (error) {
        failed(error);
      }
    });
  }
}
