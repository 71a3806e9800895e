import {
  AIMessage,
  HumanMessage,
  RemoveMessage,
  ToolMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import { randomUUID } from 'node:crypto';
import { AppError } from '../domain/index.ts';
import {
  ensureCollector,
  traced,
  type Collector,
  type RequestMetrics,
} from '../observability/index.ts';
import type { AgentGraph } from './graph.ts';
import type { ToolArtifact } from './tools/index.ts';
import {
  answerSources,
  answerTables,
  isAnalyticsResult,
  isDocumentsResult,
  isSqlTable,
  type AnswerSource,
  type AnswerTable,
} from './tools/index.ts';
import { LOCAL_OWNER, threadKey } from './memory/owners.ts';
import { currentTurn } from './memory/trim.ts';

/** The answer to one question: the object `landuse ask --json` prints and the API returns. */
export interface AskResult {
  answer: string;
  tables: AnswerTable[];
  /** The documents the answer drew on (search_rpa_documents), each once, best first. */
  sources: AnswerSource[];
  toolCalls: ToolCall[];
  scenario: string[];
  years: { start: number; end: number } | null;
  dataset: 'demo' | 'rpa';
  provider: string;
  threadId: string;
  followUps: string[];
  usage: { inputTokens: number; outputTokens: number };
  /** Where the question's time went, in milliseconds (see Timings). */
  timings: Timings;
  /** The request's own figures: times, queries, rows, cache, tokens, retries, memory, CPU. */
  metrics: RequestMetrics;
}

/** One tool call of an answer: its name, arguments, rows, time and the SQL it ran. */
export interface ToolCall {
  name: string;
  args: Record<string, unknown>;
  rows: number;
  durationMs: number;
  /** The statement the tool ran (a domain query's SQL, or run_sql's guarded statement). */
  sql?: string;
  /** The values of the statement's $1, $2 ... placeholders, when it has any. */
  params?: unknown[];
}

/** The SQL of a tool's result, and its parameters when it has some (for the tool cards). */
function sqlOf(artifact: ToolArtifact | undefined): Pick<ToolCall, 'sql' | 'params'> {
  const result = artifact?.result;
  if (!result || isDocumentsResult(result) || !result.sql) return {};
  const params = isSqlTable(result) ? [] : result.params;
  return params.length > 0 ? { sql: result.sql, params } : { sql: result.sql };
}

/**
 * A question's time, each figure named for what it measures. `dbMs` is part of `toolMs`; total =
 * llm + tool + agent.
 */
export interface Timings {
  /** The question from start to answer. */
  totalMs: number;
  /** In model calls: the LLM provider's, or the offline planner's planning and narration. */
  llmMs: number;
  /** In the agent's tools. */
  toolMs: number;
  /** In DuckDB queries (the tools'). */
  dbMs: number;
  /** The rest: the graph's own steps, the conversation store, history compaction. */
  agentMs: number;
}

/** What happens while a question is answered, in order. */
export type AgentEvent =
  | { type: 'token'; text: string }
  | { type: 'tool_start'; name: string; args: Record<string, unknown> }
  | {
      type: 'tool_end';
      name: string;
      args: Record<string, unknown>;
      rows: number;
      durationMs: number;
      ok: boolean;
      /** The SQL the tool ran, when it ran one, and its parameters. */
      sql?: string;
      params?: unknown[];
    }
  /** A tool's result table, right after its tool_end (the same table the answer carries). */
  | { type: 'table'; title: string; columns: string[]; rows: Record<string, unknown>[] };

/**
 * Asks the agent one question on a thread (a new one unless given) and gathers the answer, the
 * tables behind it and the figures of the turn. Bounded by `timeoutMs`: past it the question is
 * abandoned with a clear error, and the thread keeps what it had before. Its figures go to the
 * current request's collector (observability), or to one of its own outside a request.
 */
export function answerQuestion(props: AskProps): Promise<AskResult> {
  return ensureCollector((collector) =>
    // With LANDUSE_OTEL_ENDPOINT, the run is a span; its model and tool calls hang under it.
    traced(
      collector,
      'invoke_agent landuse',
      {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'landuse',
        'gen_ai.provider.name': props.provider,
      },
      () => answerWith(props, collector),
      (r) => ({
        'gen_ai.conversation.id': r.threadId,
        'gen_ai.usage.input_tokens': r.usage.inputTokens,
        'gen_ai.usage.output_tokens': r.usage.outputTokens,
      }),
    ),
  );
}

interface AskProps {
  agent: AgentGraph;
  question: string;
  threadId?: string | undefined;
  /**
   * Whose conversation this is (owners.ts): the thread is stored under this owner, so one
   * owner's thread id never reaches another's. Default: the local user of the CLI.
   */
  owner?: string | undefined;
  provider: string;
  dataset: 'demo' | 'rpa';
  timeoutMs: number;
  /** Progress as it happens: answer text, tool starts and ends (for chat and SSE). */
  onEvent?: (event: AgentEvent) => void;
  /** Abandons the question when aborted (a client that went away). */
  signal?: AbortSignal;
}

async function answerWith(props: AskProps, collector: Collector): Promise<AskResult> {
  const question = props.question.trim();
  if (!question) throw new AppError('bad_request:empty_question', 'The question is empty.');
  const threadId = props.threadId ?? randomUUID();
  const started = performance.now();
  collector.provider ??= props.provider;
  const mark = { model: collector.modelMs, tool: collector.toolMs, db: collector.databaseMs };
  const timings = (): Timings => {
    const totalMs = performance.now() - started;
    const llmMs = collector.modelMs - mark.model;
    const toolMs = collector.toolMs - mark.tool;
    return {
      totalMs,
      llmMs,
      toolMs,
      dbMs: collector.databaseMs - mark.db,
      agentMs: Math.max(0, totalMs - llmMs - toolMs),
    };
  };
  const config = { configurable: { thread_id: threadKey(props.owner ?? LOCAL_OWNER, threadId) } };
  const emit = props.onEvent ?? (() => {});
  // What the thread held before, for a rollback; a new thread holds nothing (no read needed).
  const before = new Set(
    props.threadId === undefined
      ? []
      : (
          ((await props.agent.getState(config)).values as { messages?: BaseMessage[] }).messages ??
          []
        ).map((m) => m.id),
  );
  let state: { messages: BaseMessage[] } | undefined;
  try {
    const stream = await props.agent.stream(
      { messages: [new HumanMessage(question)] },
      {
        ...config,
        recursionLimit: 50,
        signal: props.signal
          ? AbortSignal.any([props.signal, AbortSignal.timeout(props.timeoutMs)])
          : AbortSignal.timeout(props.timeoutMs),
        // The final state arrives as the last 'values' chunk (no read back from the store).
        // Without a listener, progress events are not worth the callbacks they cost.
        streamMode: props.onEvent ? ['updates', 'messages', 'values'] : ['values'],
        // One checkpoint write when the run ends, not one per step.
        durability: 'exit',
      },
    );
    const translate = eventTranslator(emit);
    for await (const [mode, chunk] of stream as AsyncIterable<[string, unknown]>) {
      if (mode === 'values') state = chunk as { messages: BaseMessage[] };
      else translate(mode, chunk);
    }
    state ??= (await props.agent.getState(config)).values as { messages: BaseMessage[] };
  } catch (error) {
    await rollBack(props.agent, config, before);
    const clientGone = props.signal?.aborted === true;
    const timedOut =
      !clientGone &&
      error instanceof Error &&
      (error.name === 'TimeoutError' || error.name === 'AbortError');
    if (!timedOut) throw error;
    // Out of time is an answer, not a failure: say so, and leave the thread as it was.
    const text = `I stopped after ${(props.timeoutMs / 1000).toFixed(props.timeoutMs < 10_000 ? 1 : 0)} s (LANDUSE_MAX_EXECUTION_TIME) without a final answer. Try a narrower question, for example one state, one land use or one scenario.`;
    emit({ type: 'token', text });
    return {
      answer: text,
      tables: [],
      sources: [],
      toolCalls: [],
      scenario: [],
      years: null,
      dataset: props.dataset,
      provider: props.provider,
      threadId,
      followUps: [],
      usage: { inputTokens: 0, outputTokens: 0 },
      timings: timings(),
      metrics: collector.snapshot(),
    };
  }
  return collectResult(state.messages, {
    timings: timings(),
    metrics: collector.snapshot(),
    dataset: props.dataset,
    provider: props.provider,
    threadId,
  });
}

/**
 * Turns LangGraph's stream into AgentEvents: model text as tokens where the model streams it (a
 * model that does not, the offline planner, is sent whole when its node finishes), tool starts
 * from the model's calls, tool ends and tables from the tool node, the iteration limit's text.
 */
function eventTranslator(
  emit: (event: AgentEvent) => void,
): (mode: string, chunk: unknown) => void {
  let streamed = false;
  return (mode, chunk) => {
    if (mode === 'messages') {
      const [message, meta] = chunk as [BaseMessage, { langgraph_node?: string }];
      // .text flattens content blocks (Anthropic streams text as blocks when tools are bound).
      const text = meta.langgraph_node === 'model' ? message.text : '';
      if (text) {
        streamed = true;
        emit({ type: 'token', text });
      }
      return;
    }
    if (mode !== 'updates') return;
    const update = chunk as Record<string, { messages?: BaseMessage[] } | undefined>;
    for (const m of update.model?.messages ?? []) {
      if (AIMessage.isInstance(m) && m.tool_calls?.length) {
        for (const call of m.tool_calls)
          emit({ type: 'tool_start', name: call.name, args: call.args });
      } else if (!streamed && typeof m.content === 'string' && m.content) {
        emit({ type: 'token', text: m.content });
      }
      streamed = false;
    }
    for (const m of update.tools?.messages ?? []) {
      const artifact = (m as ToolMessage).artifact as ToolArtifact | undefined;
      emit({
        type: 'tool_end',
        name: (m as ToolMessage).name ?? '',
        args: artifact?.args ?? {},
        rows: artifact?.rows ?? 0,
        durationMs: artifact?.durationMs ?? 0,
        ok: artifact !== undefined,
        ...sqlOf(artifact),
      });
      if (artifact) {
        for (const table of answerTables(artifact)) emit({ type: 'table', ...table });
      }
    }
    for (const m of update.limit?.messages ?? []) {
      if (typeof m.content === 'string') emit({ type: 'token', text: m.content });
    }
  };
}

/**
 * The AskResult of a finished turn, gathered from the thread's messages: the final answer, the
 * tables and figures of each tool call (from the ToolMessages' artifacts), tokens and timings.
 */
function collectResult(
  messages: BaseMessage[],
  run: {
    timings: Timings;
    metrics: RequestMetrics;
    dataset: 'demo' | 'rpa';
    provider: string;
    threadId: string;
  },
): AskResult {
  const turn = currentTurn(messages).after;
  const artifacts = turn
    .filter((m) => ToolMessage.isInstance(m))
    .map((m) => (m as ToolMessage).artifact as ToolArtifact | undefined)
    .filter((a): a is ToolArtifact => a !== undefined);
  const final = turn.findLast((m): m is AIMessage => AIMessage.isInstance(m));
  const usage = turn
    .filter((m) => AIMessage.isInstance(m))
    .reduce(
      (u, m) => ({
        inputTokens: u.inputTokens + ((m as AIMessage).usage_metadata?.input_tokens ?? 0),
        outputTokens: u.outputTokens + ((m as AIMessage).usage_metadata?.output_tokens ?? 0),
      }),
      { inputTokens: 0, outputTokens: 0 },
    );
  const firstResult = artifacts.map((a) => a.result).find(isAnalyticsResult);
  return {
    answer: typeof final?.content === 'string' ? final.content : '',
    tables: artifacts.flatMap(answerTables),
    sources: answerSources(artifacts),
    toolCalls: artifacts.map((a) => ({
      name: a.name,
      args: a.args,
      rows: a.rows,
      durationMs: a.durationMs,
      ...sqlOf(a),
    })),
    scenario: firstResult?.scenario ?? [],
    years: firstResult ? { start: firstResult.years.start, end: firstResult.years.end } : null,
    dataset: run.dataset,
    provider: run.provider,
    threadId: run.threadId,
    followUps: (final?.additional_kwargs.followUps as string[] | undefined) ?? [],
    usage,
    timings: run.timings,
    metrics: run.metrics,
  };
}

/**
 * Removes what a failed question added to its thread, so the conversation is as it was before
 * it: no dangling question or tool call for the next turn to trip over.
 */
async function rollBack(
  agent: AgentGraph,
  config: { configurable: { thread_id: string } },
  before: ReadonlySet<string | undefined>,
): Promise<void> {
  const now =
    ((await agent.getState(config)).values as { messages?: BaseMessage[] }).messages ?? [];
  const added = now.filter((m) => m.id !== undefined && !before.has(m.id));
  if (added.length === 0) return;
  await agent.updateState(config, { messages: added.map((m) => new RemoveMessage({ id: m.id! })) });
}
