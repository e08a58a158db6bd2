import { z } from 'zod';

/** Errors cross every boundary as plain data, never as thrown objects, so both transports carry them unchanged. */
export const apiErrorCodes = [
  'invalid-message',
  'invalid-params',
  'unknown-method',
  'not-found',
  'conflict',
  'unavailable',
  'unauthorized',
  'forbidden',
  'internal',
] as const;
export type ApiErrorCode = (typeof apiErrorCodes)[number];

export const ApiErrorSchema = z.object({
  code: z.enum(apiErrorCodes),
  message: z.string(),
  /** One entry per rejected field, for schema failures. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export type ApiResponse<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function apiError(code: ApiErrorCode, message: string, issues?: ApiError['issues']): ApiError {
  return issues ? { code, message, issues } : { code, message };
}

/** At most this many issues, each cut to this length, cross a boundary: a hostile message cannot make a huge reply or log line. */
const MAX_ISSUES = 20;
const MAX_ISSUE_TEXT = 200;

/** Turns a zod failure into the plain issue list that crosses the boundary (the first issues, shortened). */
export function issuesOf(error: z.ZodError): NonNullable<ApiError['issues']> {
  return error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: issue.path.length > 0 ? shortened(issue.path.map(String).join('.'), MAX_ISSUE_TEXT) : '(root)',
    message: shortened(issue.message, MAX_ISSUE_TEXT),
  }));
}

/** A text from outside cut to `length` characters, saying so, for messages and logs. */
export function shortened(text: string, length = 100): string {
  return text.length <= length ? text : `${text.slice(0, length)}…(${text.length} characters)`;
}

/** Thrown by host services to answer with a specific error code; anything else thrown becomes `internal`. */
export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'ApiFailure';
  }
}
