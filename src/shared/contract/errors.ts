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

/** Turns a zod failure into the plain issue list that crosses the boundary. */
export function issuesOf(error: z.ZodError): NonNullable<ApiError['issues']> {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

/** Thrown by host services to answer with a specific error code; anything else thrown becomes `internal`. */
export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'ApiFailure';
  }
}
