/**
 * Which provider failures are worth another try, and how long to wait before it: exponential
 * backoff with jitter, honouring a server's Retry-After when it is within reason.
 */

export interface RetryPolicy {
  /** Tries after the first one. */
  maxRetries: number;
  /** The wait before the first retry; each further retry doubles it. */
  baseDelayMs: number;
  /** No wait is longer than this, Retry-After included. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 8000 };

function field(error: unknown, key: string): unknown {
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)[key]
    : undefined;
}

function textField(error: unknown, key: string): string {
  const value = field(error, key);
  return typeof value === 'string' ? value : '';
}

/** The HTTP status of a provider SDK error, when it has one. */
export function statusOf(error: unknown): number | undefined {
  const status = field(error, 'status') ?? field(field(error, 'response'), 'status');
  return typeof status === 'number' ? status : undefined;
}

/** Rate limits (429), server errors (5xx), request timeouts and dropped connections. */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status === 408 || status === 429 || status >= 500;
  const name = textField(error, 'name');
  // SDK errors say what they are in their class name (APIConnectionTimeoutError).
  const ctor = typeof error === 'object' && error !== null ? error.constructor.name : '';
  const code = textField(error, 'code') || textField(field(error, 'cause'), 'code');
  return (
    /Timeout|ConnectionError/.test(name) ||
    /Timeout|ConnectionError/.test(ctor) ||
    /^(ETIMEDOUT|ECONNRESET|ECONNREFUSED|EPIPE|UND_ERR_\w+)$/.test(code)
  );
}

/** Seconds or an HTTP date in a Retry-After header, as milliseconds. */
function retryAfterMs(error: unknown): number | undefined {
  const headers = field(error, 'headers');
  let value: unknown;
  if (headers instanceof Headers) value = headers.get('retry-after');
  else if (typeof headers === 'object' && headers !== null) {
    value = (headers as Record<string, unknown>)['retry-after'];
  }
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The wait before retry number `attempt` (0 for the first retry). */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  error: unknown,
  random: () => number = Math.random,
): number {
  const asked = retryAfterMs(error);
  if (asked !== undefined) return Math.min(asked, policy.maxDelayMs);
  const exponential = policy.baseDelayMs * 2 ** attempt;
  // Half fixed, half jitter: callers that failed together do not retry together.
  return Math.min(policy.maxDelayMs, exponential / 2 + (random() * exponential) / 2);
}

/** A short description of a failure with no internals: for messages people read. */
export function describeFailure(error: unknown): string {
  const status = statusOf(error);
  if (status === 429) return 'rate limited';
  if (status === 401 || status === 403) return 'the key was refused';
  if (status !== undefined) return `HTTP ${status}`;
  if (/Timeout/.test(textField(error, 'name'))) return 'timed out';
  return isRetryable(error) ? 'connection failed' : 'request failed';
}
