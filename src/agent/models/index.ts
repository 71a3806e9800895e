/**
 * The chat model behind the agent, chosen by LANDUSE_PROVIDER: the offline planner, or an LLM
 * provider wrapped with the rate limiter, retries and the offline fallback. Keys come from the
 * config and are passed to the SDK only: never logged, never in an error message.
 */
import { ChatAnthropic } from '@langchain/anthropic';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOpenAI } from '@langchain/openai';
import { ConfigError, type Config } from '../../config/index.ts';
import { buildSystemPrompt } from '../prompt.ts';
import { processCircuit, type CircuitBreaker } from './circuit.ts';
import { OfflineChatModel } from './offline.ts';
import { processRateLimiter, systemClock, type Clock, type RateLimiter } from './rate-limit.ts';
import { ResilientChatModel, type ProviderEvent } from './resilient.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.ts';
import { timedFetch, type FetchLike } from './timed-fetch.ts';

export { providerAvailability } from './allowed.ts';
export type { CircuitStats } from './circuit.ts';
export { OfflineChatModel } from './offline.ts';
export { createRateLimiter, type Clock } from './rate-limit.ts';
export { fallbackNote, type ProviderEvent } from './resilient.ts';
export { isRetryable, retryDelayMs } from './retry.ts';

/** The model each provider uses when LANDUSE_MODEL is unset. */
export const DEFAULT_MODELS = {
  anthropic: 'claude-sonnet-4-5',
  openai: 'gpt-4.1-mini',
  ollama: 'llama3.1',
} as const;

export const DEFAULT_BASE_URLS = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com/v1',
  ollama: 'http://127.0.0.1:11434/v1',
} as const;

type ModelConfig = Pick<
  Config,
  | 'provider'
  | 'model'
  | 'temperature'
  | 'maxTokens'
  | 'baseUrl'
  | 'rateLimitCalls'
  | 'rateLimitWindowSeconds'
  | 'fallbackToOffline'
  | 'anthropicApiKey'
  | 'openaiApiKey'
  | 'providerConnectTimeoutSeconds'
  | 'circuitFailures'
  | 'circuitCooldownSeconds'
>;

interface ChatModelOptions {
  /** Whether the database holds demo data (the prompt then asks the model to say so). */
  dataset?: 'demo' | 'rpa';
  /** Milliseconds one provider request may take before it counts as a timeout (default 20 s). */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Default: the process-wide limiter for the config's rate limit. */
  limiter?: RateLimiter;
  clock?: Clock;
  /** Default: the process-wide breaker of the provider's endpoint (providerCircuit). */
  circuit?: CircuitBreaker;
  /** Retries and fallbacks as they happen, for logs. */
  onEvent?: (event: ProviderEvent) => void;
}

/**
 * Builds the configured chat model. Throws a ConfigError naming the variable when the provider
 * needs a key or setting that is missing.
 */
export function createChatModel(
  config: ModelConfig,
  options: ChatModelOptions = {},
): { model: BaseChatModel; provider: string } {
  if (config.provider === 'offline') return { model: new OfflineChatModel(), provider: 'offline' };
  const clock = options.clock ?? systemClock;
  const requestTimeoutMs = options.requestTimeoutMs ?? 20_000;
  const fetch = timedFetch({
    connectTimeoutMs: Math.min(config.providerConnectTimeoutSeconds * 1000, requestTimeoutMs),
    requestTimeoutMs,
  });
  const model = new ResilientChatModel({
    provider: config.provider,
    model: providerModel(config, requestTimeoutMs, fetch),
    fallback: config.fallbackToOffline ? new OfflineChatModel() : undefined,
    limiter:
      options.limiter ?? processRateLimiter(config.rateLimitCalls, config.rateLimitWindowSeconds),
    retry: { ...DEFAULT_RETRY, ...options.retry },
    clock,
    circuit: options.circuit ?? providerCircuit(config),
    systemPrompt: buildSystemPrompt(options.dataset ? { dataset: options.dataset } : {}),
    onEvent: options.onEvent,
  });
  return { model, provider: config.provider };
}

/**
 * The process-wide circuit breaker of a provider's endpoint (LANDUSE_CIRCUIT_FAILURES,
 * LANDUSE_CIRCUIT_COOLDOWN): every model for the same provider and endpoint shares it, so what
 * one question learns about a dead endpoint spares the next. Undefined for the offline planner.
 */
export function providerCircuit(
  config: Pick<ModelConfig, 'provider' | 'baseUrl' | 'circuitFailures' | 'circuitCooldownSeconds'>,
): CircuitBreaker | undefined {
  if (config.provider === 'offline') return undefined;
  const endpoint =
    config.baseUrl ??
    (config.provider === 'openai-compatible' ? '' : DEFAULT_BASE_URLS[config.provider]);
  return processCircuit(`${config.provider} ${endpoint}`, {
    failures: config.circuitFailures,
    cooldownMs: config.circuitCooldownSeconds * 1000,
  });
}

function required(value: string | undefined, key: string, why: string): string {
  if (value) return value;
  throw new ConfigError([{ key, message: `${key} is required when ${why}` }]);
}

/**
 * The provider's LangChain model. Retries are the wrapper's, so the SDKs make none of their own.
 * ResilientChatModel always asks for a stream, so a live provider's reply starts at once however
 * long the answer: that is what lets the reply-start deadline of `fetch`
 * (LANDUSE_PROVIDER_CONNECT_TIMEOUT) be short.
 */
function providerModel(config: ModelConfig, timeoutMs: number, fetch: FetchLike): BaseChatModel {
  const common = {
    temperature: config.temperature,
    maxTokens: config.maxTokens,
    maxRetries: 0,
  };
  switch (config.provider) {
    case 'anthropic':
      return new ChatAnthropic({
        ...common,
        model: config.model ?? DEFAULT_MODELS.anthropic,
        apiKey: required(config.anthropicApiKey, 'ANTHROPIC_API_KEY', 'LANDUSE_PROVIDER=anthropic'),
        anthropicApiUrl: config.baseUrl ?? DEFAULT_BASE_URLS.anthropic,
        clientOptions: { timeout: timeoutMs, maxRetries: 0, fetch },
      });
    case 'openai':
      return openAiCompatible(config, {
        model: config.model ?? DEFAULT_MODELS.openai,
        apiKey: required(config.openaiApiKey, 'OPENAI_API_KEY', 'LANDUSE_PROVIDER=openai'),
        baseURL: config.baseUrl ?? DEFAULT_BASE_URLS.openai,
        timeoutMs,
        fetch,
      });
    case 'ollama':
      // Ollama's OpenAI-compatible endpoint: one client for every server that speaks the protocol.
      return openAiCompatible(config, {
        model: config.model ?? DEFAULT_MODELS.ollama,
        apiKey: config.openaiApiKey ?? 'ollama',
        baseURL: config.baseUrl ?? DEFAULT_BASE_URLS.ollama,
        timeoutMs,
        fetch,
      });
    case 'openai-compatible':
      return openAiCompatible(config, {
        model: required(config.model, 'LANDUSE_MODEL', 'LANDUSE_PROVIDER=openai-compatible'),
        // Many local servers want no key, but the client insists on one.
        apiKey: config.openaiApiKey ?? 'not-needed',
        baseURL: required(config.baseUrl, 'LANDUSE_BASE_URL', 'LANDUSE_PROVIDER=openai-compatible'),
        timeoutMs,
        fetch,
      });
    case 'offline':
      return new OfflineChatModel();
  }
}

function openAiCompatible(
  config: ModelConfig,
  props: { model: string; apiKey: string; baseURL: string; timeoutMs: number; fetch: FetchLike },
): BaseChatModel {
  return new ChatOpenAI({
    model: props.model,
    temperature: config.temperature,
    maxTokens: config.maxTokens,
    maxRetries: 0,
    timeout: props.timeoutMs,
    apiKey: props.apiKey,
    // Chat Completions, which every compatible server speaks, not the Responses API.
    useResponsesApi: false,
    configuration: { baseURL: props.baseURL, fetch: props.fetch },
  });
}
