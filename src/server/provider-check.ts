import { DEFAULT_BASE_URLS } from '../agent/models/index.ts';
import type { Config } from '../config/index.ts';

export interface ProviderCheck {
  provider: string;
  status: 'ok' | 'degraded';
  /** What was found, for the person reading /health; never a key or a response body. */
  detail: string;
  checkedAt: string;
}

/**
 * Whether the configured LLM provider answers: one GET of its model list, at most every
 * `ttlMs` (the result is cached so /health stays cheap and never hammers the provider). The
 * offline planner is always ok. A provider that cannot be reached only degrades the service:
 * questions fall back to the offline planner (LANDUSE_FALLBACK_TO_OFFLINE).
 */
export function createProviderCheck(
  config: Pick<Config, 'provider' | 'baseUrl' | 'anthropicApiKey' | 'openaiApiKey'>,
  options: { ttlMs?: number; timeoutMs?: number } = {},
): () => Promise<ProviderCheck> {
  const ttlMs = options.ttlMs ?? 60_000;
  let last: { at: number; result: Promise<ProviderCheck> } | undefined;
  return () => {
    if (!last || performance.now() - last.at > ttlMs) {
      last = { at: performance.now(), result: probe(config, options.timeoutMs ?? 3000) };
    }
    return last.result;
  };
}

async function probe(
  config: Pick<Config, 'provider' | 'baseUrl' | 'anthropicApiKey' | 'openaiApiKey'>,
  timeoutMs: number,
): Promise<ProviderCheck> {
  const { provider } = config;
  const done = (status: ProviderCheck['status'], detail: string): ProviderCheck => ({
    provider,
    status,
    detail,
    checkedAt: new Date().toISOString(),
  });
  if (provider === 'offline') return done('ok', 'the embedded offline planner (no network)');
  const base =
    config.baseUrl ?? (provider === 'openai-compatible' ? undefined : DEFAULT_BASE_URLS[provider]);
  if (!base) return done('degraded', 'no LANDUSE_BASE_URL is set for openai-compatible');
  const url =
    provider === 'anthropic'
      ? `${base.replace(/\/$/, '')}/v1/models`
      : `${base.replace(/\/$/, '')}/models`;
  const headers: Record<string, string> =
    provider === 'anthropic'
      ? { 'x-api-key': config.anthropicApiKey ?? '', 'anthropic-version': '2023-06-01' }
      : config.openaiApiKey
        ? { authorization: `Bearer ${config.openaiApiKey}` }
        : {};
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    if (res.status === 401 || res.status === 403) {
      return done(
        'degraded',
        `the provider refused the API key (HTTP ${res.status}); answers fall back to the offline planner`,
      );
    }
    if (res.status >= 500) return done('degraded', `the provider answered HTTP ${res.status}`);
    return done('ok', `reachable (HTTP ${res.status})`);
  } catch {
    return done(
      'degraded',
      `the provider could not be reached within ${timeoutMs / 1000} s; answers fall back to the offline planner`,
    );
  }
}
