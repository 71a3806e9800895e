import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages';
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
import type { ToolArtifact } from './models/offline.ts';
import type { AgentTool } from './tools/index.ts';

export interface AgentOptions {
  model: BaseChatModel;
  tools: AgentTool[];
  /** Conversation memory per thread; in-memory when absent. */
  checkpointer?: BaseCheckpointSaver;
  /** Most model rounds for one question (LANDUSE_MAX_ITERATIONS). */
  maxIterations: number;
}

/**
 * The agent's tools as LangChain tools: the model sees the compact text, and the full result
 * rides along as the ToolMessage's artifact for the answer's tables. Errors that are the
 * caller's (bad arguments, unknown names) go back to the model in words it can act on; anything
 * else becomes a generic failure, so no internals reach the model or the answer.
 */
export function toLangChainTools(tools: AgentTool[]): StructuredToolInterface[] {
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

/** Model rounds since the question that started this turn. */
function roundsThisTurn(messages: BaseMessage[]): number {
  const start = messages.findLastIndex((m) => HumanMessage.isInstance(m));
  return messages.slice(start + 1).filter((m) => AIMessage.isInstance(m)).length;
}

/**
 * The LangGraph agent: a model node and a tool node in a loop that ends when the model calls no
 * tool, or after `maxIterations` rounds with a message saying so rather than an error.
 */
export function createAgentGraph(options: AgentOptions) {
  const tools = toLangChainTools(options.tools);
  const model = options.model.bindTools ? options.model.bindTools(tools) : options.model;
  const next = (state: typeof MessagesAnnotation.State) => {
    const last = state.messages.at(-1);
    if (!AIMessage.isInstance(last) || !last.tool_calls?.length) return END;
    return roundsThisTurn(state.messages) >= options.maxIterations ? 'limit' : 'tools';
  };
  return new StateGraph(MessagesAnnotation)
    .addNode('model', async (state) => ({ messages: [await model.invoke(state.messages)] }))
    .addNode('tools', new ToolNode(tools))
    .addNode('limit', () => ({
      messages: [
        new AIMessage(
          `I stopped after ${options.maxIterations} steps without a final answer. Try a narrower question, for example one state, one land use or one scenario.`,
        ),
      ],
    }))
    .addEdge(START, 'model')
    .addConditionalEdges('model', next, ['tools', 'limit', END])
    .addEdge('tools', 'model')
    .addEdge('limit', END)
    .compile({ checkpointer: options.checkpointer ?? new MemorySaver() });
}

export type AgentGraph = ReturnType<typeof createAgentGraph>;
