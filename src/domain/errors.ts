/**
 * The project's one error type. `code` is stable (`area:reason`, e.g. `load:invalid_value`) so
 * entry points can map it to an exit code or HTTP status in one place; `message` is written for
 * the person who has to act on it (what was wrong, where, what to do).
 */
export class AppError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }

  /** The part of the code before the colon: `load`, `bad_request`, `config`, ... */
  get area(): string {
    return this.code.split(':')[0] ?? this.code;
  }
}

/** True when `error` is an AppError, optionally of one area (`load`) or one exact code. */
export function isAppError(error: unknown, codeOrArea?: string): error is AppError {
  if (!(error instanceof AppError)) return false;
  return codeOrArea === undefined || error.code === codeOrArea || error.area === codeOrArea;
}
