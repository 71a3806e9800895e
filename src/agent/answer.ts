import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { randomUUID } from 'node:crypto';
import { AppError } from '../domain/index.ts';
import type { AgentGraph } from './graph.ts';
import type { ToolArtifact } from './models/offline.ts';
import { isSqlTable } from './tools/index.ts';

/** The answer to one question: the object `landuse ask --json` prints and the API returns. */
export interface AskResult {
  answer: string;
  tables: { title: string; columns: string[]; rows: Record<string, unknown>[] }[];
  toolCalls: { name: string; args: Record<string, unknown>; rows: number; durationMs: number }[];
  scenario: string[];
  years: { start: number; end: number } | null;
  dataset: 'demo' | 'rpa';
  provider: string;
  threadId: string;
  followUps: string[];
  usage: { inputTokens: number; outputTokens: number };
  timings: { totalMs: number; llmMs: number; dbMs: number; toolMs: number };
}

/**
 * Asks the agent one question on a thread (a new one unless given) and gathers the answer, the
 * tables behind it and the figures of the turn. Bounded by `timeoutMs`: past it the question is
 * abandoned with a clear error, and the thread keeps what it had before.
 */
export async function answerQuestion(props: {
  agent: AgentGraph;
  question: string;
  threadId?: string | undefined;
  provider: string;
  dataset: 'demo' | 'rpa';
  timeoutMs: number;
}): Promise<AskResult> {
  const question = props.question.trim();
  if (!question) throw new AppError('bad_request:empty_question', 'The question is empty.');
  const threadId = props.threadId ?? randomUUID();
  const started = performance.now();
  let state: { messages: BaseMessage[] };
  try {
    state = await props.agent.invoke(
      { messages: [new HumanMessage(question)] },
      {
        configurable: { thread_id: threadId },
        recursionLimit: 50,
        signal: AbortSignal.timeout(props.timeoutMs),
      },
    );
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      throw new AppError(
        'agent:timeout',
        `No answer within ${Math.round(props.timeoutMs / 1000)} s (LANDUSE_MAX_EXECUTION_TIME). Try a narrower question.`,
        { cause: error },
      );
    }
    throw error;
  }
  const totalMs = performance.now() - started;
  const messages = state.messages;
  const turn = messages.slice(messages.findLastIndex((m) => HumanMessage.isInstance(m)) + 1);
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
  const toolMs = artifacts.reduce((s, a) => s + a.durationMs, 0);
  const first = artifacts.map((a) => a.result).find((r) => !isSqlTable(r));
  const firstResult = first && !isSqlTable(first) ? first : undefined;
  return {
    answer: typeof final?.content === 'string' ? final.content : '',
    tables: artifacts.map((a) => ({
      title: a.result.title,
      columns: a.result.columns,
      rows: a.result.rows,
    })),
    toolCalls: artifacts.map((a) => ({
      name: a.name,
      args: a.args,
      rows: a.rows,
      durationMs: a.durationMs,
    })),
    scenario: firstResult?.scenario ?? [],
    years: firstResult ? { start: firstResult.years.start, end: firstResult.years.end } : null,
    dataset: props.dataset,
    provider: props.provider,
    threadId,
    followUps: (final?.additional_kwargs.followUps as string[] | undefined) ?? [],
    usage,
    timings: { totalMs, llmMs: Math.max(0, totalMs - toolMs), dbMs: toolMs, toolMs },
  };
}
