/** The agent: planner, tools, graph and the answer use case, composed for entry points. */
import type { AnalyticsService } from '../analytics/open.ts';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { createAgentGraph, type AgentGraph } from './graph.ts';
import { OfflineChatModel } from './models/offline.ts';
import { createTools } from './tools/index.ts';

export { answerQuestion, type AgentEvent, type AskResult } from './answer.ts';
export type { AgentGraph } from './graph.ts';

/** The default agent: the embedded offline planner over the analytics tools. */
export function createOfflineAgent(
  service: AnalyticsService,
  options: {
    maxIterations: number;
    maxRows: number;
    enableSql: boolean;
    checkpointer?: BaseCheckpointSaver;
  },
): AgentGraph {
  return createAgentGraph({
    model: new OfflineChatModel(),
    tools: createTools({
      analytics: service.analytics,
      ctx: service.ctx,
      guard: service.guard,
      maxRows: options.maxRows,
      enableSql: options.enableSql,
    }),
    maxIterations: options.maxIterations,
    ...(options.checkpointer ? { checkpointer: options.checkpointer } : {}),
  });
}
