/**
 * Which providers a request may name. A request must never make the server call an address the
 * operator did not configure, nor spend an agent slot on a provider that is not set up.
 *
 * "Configured" means:
 * - offline: always (no network);
 * - LANDUSE_PROVIDER: always, with its LANDUSE_BASE_URL and LANDUSE_MODEL;
 * - any other provider only when LANDUSE_ALLOWED_PROVIDERS lists it, or, with that setting unset,
 *   anthropic and openai when their API key is set. ollama and openai-compatible are never
 *   available by default: they would make the server connect to a local port.
 *
 * A provider other than LANDUSE_PROVIDER talks to its own default endpoint with its default
 * model: LANDUSE_BASE_URL and LANDUSE_MODEL belong to LANDUSE_PROVIDER, so a request cannot send
 * one provider's key to another's endpoint. openai-compatible, which has no default endpoint, is
 * therefore available only as LANDUSE_PROVIDER.
 */
import type { Config, Provider } from '../../config/index.ts';

type AllowConfig = Pick<
  Config,
  'provider' | 'allowedProviders' | 'anthropicApiKey' | 'openaiApiKey' | 'baseUrl' | 'model'
>;

type ProviderAvailability =
  | {
      ok: true;
      config: { provider: Provider; baseUrl: string | undefined; model: string | undefined };
    }
  | { ok: false; message: string };

const KEYS = { anthropic: 'ANTHROPIC_API_KEY', openai: 'OPENAI_API_KEY' } as const;

/**
 * Whether `provider` may answer a request on this server, and with which endpoint and model;
 * when not, a message naming the setting that would allow it (never a key or a URL).
 */
export function providerAvailability(
  config: AllowConfig,
  provider: Provider,
): ProviderAvailability {
  if (provider === config.provider) {
    return { ok: true, config: { provider, baseUrl: config.baseUrl, model: config.model } };
  }
  const other = { ok: true as const, config: { provider, baseUrl: undefined, model: undefined } };
  if (provider === 'offline') return other;
  const instead = `Ask without "provider" to use ${config.provider}.`;
  const listed = config.allowedProviders.length > 0;
  if (listed && !config.allowedProviders.includes(provider)) {
    return {
      ok: false,
      message: `The provider "${provider}" is not enabled on this server (LANDUSE_ALLOWED_PROVIDERS does not list it). ${instead}`,
    };
  }
  if (provider === 'anthropic' || provider === 'openai') {
    const key = provider === 'anthropic' ? config.anthropicApiKey : config.openaiApiKey;
    if (!key) {
      return {
        ok: false,
        message: `The provider "${provider}" is not set up on this server (it needs ${KEYS[provider]}). ${instead}`,
      };
    }
    return other;
  }
  if (provider === 'openai-compatible') {
    return {
      ok: false,
      message: `The provider "openai-compatible" is available only as the server's own provider (LANDUSE_PROVIDER=openai-compatible with LANDUSE_BASE_URL). ${instead}`,
    };
  }
  if (!listed) {
    return {
      ok: false,
      message: `The provider "${provider}" is not enabled on this server (set LANDUSE_PROVIDER=${provider}, or list it in LANDUSE_ALLOWED_PROVIDERS). ${instead}`,
    };
  }
  return other;
}
