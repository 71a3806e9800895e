import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { tool, type StructuredToolInterface } from '@langchain/core/tools';
import {
  END,
  MemorySaver,
  MessagesAnnotation,
  START,
  StateGraph,
  type BaseCheckpointSaver,
} from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { AppError, isAppError } from '../domain/index.ts';
import { compactThreadUpdate, currentTurn, needsCompaction, trimHistory } from './memory/index.ts';
import type { ToolArtifact } from './tools/index.ts';
import type { AgentTool } from './tools/index.ts';

interface AgentOptions {
  model: BaseChatModel;
  tools: AgentTool[];
  /** Conversation memory per thread; in-memory when absent. */
  checkpointer?: BaseCheckpointSaver;
  /** Most model rounds for one question (LANDUSE_MAX_ITERATIONS). */
  maxIterations: number;
  /**
   * Messages of a thread kept and sent to the model (LANDUSE_MAX_HISTORY_LENGTH, default 20);
   * older turns are folded into a running summary, so a thread never grows without bound.
   */
  maxHistoryLength?: number;
}

/**
 * The agent's tools as LangChain tools: the model sees the compact text, and the full result
 * rides along as the ToolMessage's artifact for the answer's tables. Errors that are the
 * caller's (bad arguments, unknown names) go back to the model in words it can act on; anything
 * else becomes a generic failure, so no internals reach the model or the answer.
 */
function toLangChainTools(tools: AgentTool[]): StructuredToolInterface[] {
  return tools.map((t) =>
    tool(
      async (args: Record<string, unknown>) => {
        try {
          const out = await t.run(args);
          const artifact: ToolArtifact = {
            name: out.name,
            args: out.args,
            result: out.result,
            rows: out.rows,
            durationMs: out.durationMs,
          };
          return [out.text, artifact];
        } catch (error) {
          if (isAppError(error)) throw new Error(error.message);
          throw new AppError('tool:failed', `The ${t.name} query failed; try a simpler question.`);
        }
      },
      {
        name: t.name,
        description: t.description,
        schema: t.schema,
        responseFormat: 'content_and_artifact',
      },
    ),
  );
}

/**
 * A model that sent a tool call whose arguments are not valid JSON gets, instead of a silent end
 * of the turn, the call answered with an error it can act on; it tries again on the next round.
 */
function repairInvalidToolCalls(response: BaseMessage): BaseMessage[] {
  if (!AIMessage.isInstance(response)) return [response];
  const invalid = response.invalid_tool_calls ?? [];
  if (invalid.length === 0 || (response.tool_calls?.length ?? 0) > 0) return [response];
  const calls = invalid.map((c, i) => ({
    id: c.id ?? `invalid_${i}`,
    name: c.name ?? 'unknown_tool',
    args: {},
    type: 'tool_call' as const,
  }));
  const repaired = new AIMessage({
    content: response.content,
    tool_calls: calls,
    ...(response.id ? { id: response.id } : {}),
    ...(response.usage_metadata ? { usage_metadata: response.usage_metadata } : {}),
  });
  return [
    repaired,
    ...calls.map(
      (c) =>
        new ToolMessage({
          tool_call_id: c.id,
          name: c.name,
          status: 'error',
          content: `Error: the arguments of ${c.name} were not a valid JSON object. Call it again with a JSON object of arguments.`,
        }),
    ),
  ];
}

/** Model rounds since the question that started this turn. */
function roundsThisTurn(messages: BaseMessage[]): number {
  return currentTurn(messages).after.filter((m) => AIMessage.isInstance(m)).length;
}

/**
 * The LangGraph agent: a model node and a tool node in a loop that ends when the model calls no
 * tool, or after `maxIterations` rounds with a message saying so rather than an error.
 */
export function createAgentGraph(options: AgentOptions) {
  const tools = toLangChainTools(options.tools);
  const historyLength = options.maxHistoryLength ?? 20;
  const model = options.model.bindTools ? options.model.bindTools(tools) : options.model;
  const next = (state: typeof MessagesAnnotation.State) => {
    const last = state.messages.at(-1);
    const limited = roundsThisTurn(state.messages) >= options.maxIterations;
    // A repaired malformed call already carries its error results: back to the model.
    if (ToolMessage.isInstance(last)) return limited ? 'limit' : 'model';
    if (!AIMessage.isInstance(last) || !last.tool_calls?.length) return END;
    return limited ? 'limit' : 'tools';
  };
  return (
    new StateGraph(MessagesAnnotation)
      // Its own node, before the model: a summary written here never streams as answer text.
      .addNode('compact', (state) => compactThreadUpdate(state.messages, historyLength))
      .addNode('model', async (state) => ({
        messages: repairInvalidToolCalls(
          await model.invoke(trimHistory(state.messages, { maxMessages: historyLength })),
        ),
      }))
      .addNode('tools', new ToolNode(tools))
      .addNode('limit', () => ({
        messages: [
          new AIMessage(
            `I stopped after ${options.maxIterations} steps without a final answer. Try a narrower question, for example one state, one land use or one scenario.`,
          ),
        ],
      }))
      // Most turns have nothing to fold: they go straight to the model (one step less).
      .addConditionalEdges(
        START,
        (state) => (needsCompaction(state.messages, historyLength) ? 'compact' : 'model'),
        ['compact', 'model'],
      )
      .addEdge('compact', 'model')
      .addConditionalEdges('model', next, ['tools', 'limit', 'model', END])
      .addEdge('tools', 'model')
      .addEdge('limit', END)
      .compile({ checkpointer: options.checkpointer ?? new MemorySaver() })
  );
}

export type AgentGraph = ReturnType<typeof createAgentGraph>;
