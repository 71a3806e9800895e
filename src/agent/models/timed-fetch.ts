/**
 * The fetch the provider SDKs use: a short deadline for the reply to start (TCP connect and the
 * response headers, LANDUSE_PROVIDER_CONNECT_TIMEOUT) and a longer one for the whole call, body
 * included. A port that accepts and never answers then costs seconds, not the question's budget.
 * Provider requests are streamed (see index.ts), so a live provider's headers come at once even
 * when its answer is long.
 */

/** A provider call ran out of time. The name and the "timed out" wording are what the SDKs and
 *  isRetryable recognise; it is deliberately not an AbortError, which SDK streams swallow. */
export class ProviderTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderTimeoutError';
  }
}

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function timedFetch(props: {
  /** Milliseconds for the response headers to arrive. */
  connectTimeoutMs: number;
  /** Milliseconds for the whole call, body included. */
  requestTimeoutMs: number;
  fetch?: FetchLike;
}): FetchLike {
  const base = props.fetch ?? globalThis.fetch;
  return async (input, init = {}) => {
    const controller = new AbortController();
    const abortAfter = (ms: number, what: string) =>
      setTimeout(() => {
        controller.abort(new ProviderTimeoutError(`${what} timed out after ${ms / 1000} s`));
      }, ms);
    const start = abortAfter(props.connectTimeoutMs, 'waiting for the reply to start');
    const whole = abortAfter(props.requestTimeoutMs, 'the provider call');
    // Left running while the body streams; aborting a finished call does nothing.
    whole.unref();
    const signal = init.signal
      ? AbortSignal.any([init.signal, controller.signal])
      : controller.signal;
    try {
      return await base(input, { ...init, signal });
    } catch (error) {
      clearTimeout(whole);
      // Our deadline, not the caller's abort: say so, in the words the SDKs look for.
      if (controller.signal.aborted && !init.signal?.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      clearTimeout(start);
    }
  };
}
