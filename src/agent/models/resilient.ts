/**
 * A chat model around a provider's: every call waits its turn in the rate limiter, retries with
 * backoff on rate limits, server errors and timeouts, and when the provider still fails, hands
 * the question to the offline planner, whose answer says so. With no fallback the failure
 * becomes an AppError('agent:provider_failed') that names no key, URL or internals.
 *
 * A circuit breaker (circuit.ts) sits in front of every call: once the provider has failed
 * LANDUSE_CIRCUIT_FAILURES calls in a row, calls skip it for LANDUSE_CIRCUIT_COOLDOWN: straight to
 * the offline planner, or, with no fallback, an AppError('busy:provider_circuit_open') (503).
 *
 * Garbled tool calls (malformed.ts) are retried too: arguments that are not JSON by asking
 * again, a wrong tool or wrong arguments by the graph's feedback round; past the same budget
 * (LANDUSE's retry policy) the offline planner answers. Its answer's note gives the reason.
 */
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import {
  AIMessage,
  AIMessageChunk,
  SystemMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { ensureConfig, type Runnable } from '@langchain/core/runnables';
import { AppError } from '../../domain/index.ts';
import {
  modelErrorType,
  recordFallback,
  recordModelCall,
  recordRateLimitWait,
  recordRetry,
} from '../../observability/index.ts';
import type { CircuitBreaker } from './circuit.ts';
import type { Clock, RateLimiter } from './rate-limit.ts';
import {
  garbledRounds,
  MalformedReplyError,
  toolChecks,
  unparsedCalls,
  withoutGarbledRounds,
  type ToolChecks,
} from './malformed.ts';
import { describeFailure, isRetryable, retryDelayMs, statusOf, type RetryPolicy } from './retry.ts';
import { currentTurn } from '../memory/trim.ts';

type ChatRunnable = Runnable<BaseLanguageModelInput, AIMessageChunk, BaseChatModelCallOptions>;

/** What happened to a provider call, for logs: never a key or a prompt. */
export type ProviderEvent =
  | { type: 'retry'; provider: string; attempt: number; delayMs: number; reason: string }
  | { type: 'fallback'; provider: string; reason: string };

interface ResilientOptions {
  /** The provider's name as people know it: "anthropic", "openai", ... */
  provider: string;
  /** The provider's chat model, unbound. */
  model: BaseChatModel;
  /** The offline planner; undefined means failures propagate (LANDUSE_FALLBACK_TO_OFFLINE=false). */
  fallback: BaseChatModel | undefined;
  limiter: RateLimiter;
  retry: RetryPolicy;
  clock: Clock;
  /** Skips the provider while it keeps failing; undefined means no breaker. */
  circuit?: CircuitBreaker | undefined;
  /** Put first in the conversation sent to the provider (not to the offline planner). */
  systemPrompt?: string | undefined;
  onEvent?: ((event: ProviderEvent) => void) | undefined;
}

/**
 * The note an answer of the offline planner starts with when it answered in the provider's
 * place: the first line always the same (clients and tests look for it), then the reason.
 */
export function fallbackNote(provider: string, reason?: string): string {
  const first = `The ${provider} model could not answer; the offline planner answered.`;
  return reason ? `${first}\nReason: ${reason}.` : first;
}

/** Marks the planner's messages of a turn it took over, so the rest of the turn stays with it. */
const FALLBACK_KEY = 'fallbackFrom';
/** Beside the mark: why it took over, for the note on the turn's final answer. */
const REASON_KEY = 'fallbackReason';

/** The retry count of a reason, in words: "after 3 attempts". */
function attempts(n: number): string {
  return `after ${n} attempt${n === 1 ? '' : 's'}`;
}

export class ResilientChatModel extends BaseChatModel {
  readonly options: ResilientOptions;
  private readonly bound: ChatRunnable;
  /** The bound tools' names and argument checks, to tell a garbled call (malformed.ts). */
  private readonly checks: ToolChecks | undefined;
  /** The provider's model name (ChatOpenAI and ChatAnthropic keep it in `model`), for metrics. */
  private readonly modelName: string;

  constructor(options: ResilientOptions, bound?: ChatRunnable, checks?: ToolChecks) {
    super({});
    this.options = options;
    this.bound = bound ?? options.model;
    this.checks = checks;
    const name = (options.model as unknown as { model?: unknown }).model;
    this.modelName = typeof name === 'string' && name ? name : 'unknown';
  }

  // Called by the base constructor, before this class's fields are set.
  override _llmType(): string {
    return 'resilient';
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<BaseChatModelCallOptions>,
  ): ResilientChatModel {
    const { model } = this.options;
    if (!model.bindTools) throw new Error(`The ${this.options.provider} model cannot use tools.`);
    return new ResilientChatModel(this.options, model.bindTools(tools, kwargs), toolChecks(tools));
  }

  /**
   * Calls the provider directly (not as a nested model run), so its streamed tokens, usage and
   * message reach the graph as they would without this wrapper.
   */
  override async invoke(
    input: BaseLanguageModelInput,
    options?: Partial<BaseChatModelCallOptions>,
  ): Promise<AIMessageChunk> {
    const config = ensureConfig(options);
    const messages = ResilientChatModel._convertInputToPromptValue(input).toChatMessages();
    const { provider, fallback, limiter, retry, clock, circuit, onEvent } = this.options;
    if (fallback && tookOverThisTurn(messages)) return this.offline(fallback, messages, config);
    // After a garbled round the model gets another (the tool node told it what went wrong),
    // within the retry budget of the turn; with no fallback it keeps trying, as before.
    const garbled = this.checks
      ? garbledRounds(messages, this.checks, isPlannerMessage)
      : { reasons: [], lastIsGarbled: false };
    if (garbled.lastIsGarbled && fallback) {
      const n = garbled.reasons.length;
      const reason = `${garbled.reasons.at(-1)!}, ${attempts(n)}`;
      if (n > retry.maxRetries) {
        onEvent?.({ type: 'fallback', provider, reason });
        recordFallback(provider, 'malformed');
        return this.offline(fallback, messages, config, reason);
      }
      onEvent?.({ type: 'retry', provider, attempt: n, delayMs: 0, reason });
      recordRetry(provider, 'malformed');
    }
    const prompt = this.withSystemPrompt(messages);
    const model = this.modelName;
    for (let attempt = 0; ; attempt++) {
      const permit = circuit?.acquire();
      if (circuit && !permit) {
        if (!fallback) throw circuitOpen(provider, circuit);
        const seconds = Math.max(1, Math.ceil(circuit.retryInMs() / 1000));
        const reason = `it failed repeatedly, so calls to it are paused for about ${seconds} s`;
        onEvent?.({ type: 'fallback', provider, reason: 'circuit open' });
        recordFallback(provider, 'circuit_open');
        return this.offline(fallback, messages, config, reason);
      }
      const waitStarted = clock.now();
      try {
        await limiter.acquire(config.signal);
      } catch (error) {
        permit?.abandon();
        throw error;
      }
      const waitedMs = clock.now() - waitStarted;
      if (waitedMs >= 1) recordRateLimitWait(provider, waitedMs);
      const started = performance.now();
      try {
        const reply = plainAnswer(await this.streamed(prompt, config));
        permit?.success();
        const unparsed = unparsedCalls(reply);
        // Past the budget with no fallback, the graph tells the model (repairInvalidToolCalls).
        if (unparsed && (fallback || attempt < retry.maxRetries)) {
          throw new MalformedReplyError(unparsed);
        }
        recordModelCall({
          provider,
          model,
          durationMs: performance.now() - started,
          inputTokens: reply.usage_metadata?.input_tokens ?? 0,
          outputTokens: reply.usage_metadata?.output_tokens ?? 0,
        });
        return reply;
      } catch (error) {
        const malformed = error instanceof MalformedReplyError;
        const errorType = config.signal?.aborted
          ? 'cancelled'
          : malformed
            ? 'malformed'
            : modelErrorType(error);
        recordModelCall({
          provider,
          model,
          durationMs: performance.now() - started,
          inputTokens: 0,
          outputTokens: 0,
          errorType,
        });
        // The question was abandoned (overall timeout, client gone): not the provider's fault.
        if (config.signal?.aborted) {
          permit?.abandon();
          throw error;
        }
        // A garbled reply came from a provider that answers: the circuit already heard success.
        if (countsAgainstProvider(error)) permit?.failure();
        else permit?.abandon();
        const reason = malformed ? error.message : describeFailure(error);
        if (attempt < retry.maxRetries && (malformed || isRetryable(error))) {
          const delayMs = retryDelayMs(attempt, retry, error);
          onEvent?.({ type: 'retry', provider, attempt: attempt + 1, delayMs, reason });
          recordRetry(provider, errorType);
          await clock.sleep(delayMs, config.signal);
          continue;
        }
        if (!fallback) {
          throw new AppError(
            'agent:provider_failed',
            `The ${provider} model could not answer (${reason}). Try again later, or use LANDUSE_PROVIDER=offline.`,
            { cause: error, details: { provider, reason } },
          );
        }
        onEvent?.({ type: 'fallback', provider, reason });
        recordFallback(provider, errorType);
        return this.offline(fallback, messages, config, `${reason}, ${attempts(attempt + 1)}`);
      }
    }
  }

  override async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
  ): Promise<ChatResult> {
    const message = await this.invoke(messages, options);
    return { generations: [{ text: message.text, message }] };
  }

  /**
   * The provider's reply, always requested as a stream and gathered here: its first byte comes
   * at once however long the answer (so the reply-start deadline can be short), and streamed
   * tokens still reach the graph's callbacks. (The SDK's own non-streaming gathering would
   * estimate token counts with an encoder it downloads: no network beyond the provider.)
   */
  private async streamed(
    prompt: BaseMessage[],
    config: ReturnType<typeof ensureConfig>,
  ): Promise<AIMessageChunk> {
    let whole: AIMessageChunk | undefined;
    for await (const chunk of await this.bound.stream(prompt, config)) {
      whole = whole ? whole.concat(chunk) : chunk;
    }
    if (!whole) throw new Error('The provider sent an empty reply.');
    return whole;
  }

  /** The prompt first; a system message already there (a history summary) joins it. */
  private withSystemPrompt(messages: BaseMessage[]): BaseMessage[] {
    const { systemPrompt } = this.options;
    if (!systemPrompt) return messages;
    const [first, ...rest] = messages;
    if (first && SystemMessage.isInstance(first)) {
      return [new SystemMessage(`${systemPrompt}\n\n${first.text}`), ...rest];
    }
    return [new SystemMessage(systemPrompt), ...messages];
  }

  /**
   * The planner's reply, marked with the reason it took over (given, or found on the turn's
   * earlier planner message); its final answer starts with the note. The turn's garbled rounds
   * are left out of what it reads, so it plans the question afresh.
   */
  private async offline(
    fallback: BaseChatModel,
    messages: BaseMessage[],
    config: ReturnType<typeof ensureConfig>,
    why?: string,
  ): Promise<AIMessageChunk> {
    const { provider } = this.options;
    const reason = why ?? reasonThisTurn(messages);
    const input = this.checks
      ? withoutGarbledRounds(messages, this.checks, isPlannerMessage)
      : messages;
    // "nostream": the planner's text without the note must not reach a streaming client; the
    // graph sends the finished message instead.
    const reply = await fallback.invoke(input, {
      ...config,
      tags: [...(config.tags ?? []), 'nostream'],
    });
    const text = reply.text;
    const calls = reply.tool_calls ?? [];
    return new AIMessageChunk({
      content: calls.length > 0 ? text : `${fallbackNote(provider, reason)}\n\n${text}`,
      tool_calls: calls,
      additional_kwargs: {
        ...reply.additional_kwargs,
        [FALLBACK_KEY]: provider,
        ...(reason ? { [REASON_KEY]: reason } : {}),
      },
    });
  }
}

/** A refused request (400, 404, 422...) is about the question, not the provider's health. */
function countsAgainstProvider(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status === 401 || status === 403 || isRetryable(error);
}

function circuitOpen(provider: string, circuit: CircuitBreaker): AppError {
  const seconds = Math.max(1, Math.ceil(circuit.retryInMs() / 1000));
  return new AppError(
    'busy:provider_circuit_open',
    `The ${provider} model failed repeatedly; questions to it are paused for about ${seconds} s. Try again later, or use LANDUSE_PROVIDER=offline.`,
    { details: { provider, retryAfterSeconds: seconds } },
  );
}

/**
 * A final answer as one string: streamed Anthropic replies arrive as content blocks, and the
 * answer, the thread and the presenters read text. Tool-call turns keep their blocks, which the
 * provider may need back as they were.
 */
function plainAnswer(message: AIMessageChunk): AIMessageChunk {
  if (typeof message.content === 'string' || message.tool_calls?.length) return message;
  return new AIMessageChunk({
    content: message.text,
    id: message.id,
    additional_kwargs: message.additional_kwargs,
    response_metadata: message.response_metadata,
    ...(message.usage_metadata ? { usage_metadata: message.usage_metadata } : {}),
  });
}

/** A message the offline planner wrote in a provider's place. */
function isPlannerMessage(m: BaseMessage): boolean {
  return AIMessage.isInstance(m) && m.additional_kwargs[FALLBACK_KEY] !== undefined;
}

/** True when the offline planner already took this turn over (it then also ends it). */
function tookOverThisTurn(messages: BaseMessage[]): boolean {
  return currentTurn(messages).after.some(isPlannerMessage);
}

/** Why the planner took this turn over, from its first message of the turn. */
function reasonThisTurn(messages: BaseMessage[]): string | undefined {
  const marked = currentTurn(messages).after.find(isPlannerMessage);
  const reason = marked?.additional_kwargs[REASON_KEY];
  return typeof reason === 'string' ? reason : undefined;
}
