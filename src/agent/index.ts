/** The agent: planner, tools, models, graph and the answer use case, composed for entry points. */
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { AnalyticsService } from '../analytics/open.ts';
import type { Config } from '../config/index.ts';
import { createAgentGraph, type AgentGraph } from './graph.ts';
import { createChatModel, OfflineChatModel } from './models/index.ts';
import { createDocumentsTool, createTools } from './tools/index.ts';
import { defaultKnowledgeBase, openKnowledgeBase, type KnowledgeBase } from '../knowledge/index.ts';
import { createCheckpointer, type ThreadCheckpointer } from './memory/index.ts';
import { instrumentPool } from '../observability/index.ts';

export { answerQuestion, type AgentEvent, type AskResult } from './answer.ts';
export type { AnswerSource } from './tools/index.ts';
export type { AgentGraph } from './graph.ts';
export {
  createCheckpointer,
  deleteThread,
  FailoverCheckpointer,
  getThread,
  listThreads,
  LOCAL_OWNER,
  ownerPrefix,
  seedThread,
  snapshotThread,
  threadIdOfKey,
  threadKey,
  type ThreadCheckpointer,
  type ThreadSnapshot,
  type ThreadSummary,
  type ThreadView,
} from './memory/index.ts';

/**
 * The agent for a configuration: the model of LANDUSE_PROVIDER (the offline planner by default;
 * LLM providers with rate limiting, retries and fallback to the offline planner) over the
 * analytics tools and the knowledge base's search_rpa_documents.
 */
export function createAgent(
  service: AnalyticsService,
  config: Config,
  options: { checkpointer?: BaseCheckpointSaver } = {},
): { agent: AgentGraph; provider: string } {
  // Its queries count in the current request's figures (observability).
  instrumentPool(service.pool);
  const { model, provider } = createChatModel(config, {
    dataset: service.ctx.dataset,
    // A hung provider must leave time, within the question's budget, to retry and fall back.
    requestTimeoutMs: Math.max(1000, (config.maxExecutionTimeSeconds * 1000) / 3),
  });
  const agent = createAgentGraph({
    model,
    tools: [
      ...createTools({
        analytics: service.analytics,
        ctx: service.ctx,
        guard: service.guard,
        maxRows: config.maxQueryRows,
        enableSql: config.enableSqlTool,
        // The model's SQL has the explorer's bounds: bytes and a shorter time.
        sqlBounds: {
          maxBytes: config.maxResultBytes,
          timeoutMs: Math.min(config.sqlTimeoutSeconds, config.maxExecutionTimeSeconds) * 1000,
        },
      }),
      createDocumentsTool({ knowledge: openKnowledgeBase(config), dataset: service.ctx.dataset }),
    ],
    maxIterations: config.maxIterations,
    maxHistoryLength: config.maxHistoryLength,
    ...(options.checkpointer ? { checkpointer: options.checkpointer } : {}),
  });
  return { agent, provider };
}

/**
 * The configured conversation store: the SQLite file LANDUSE_THREADS_DB_PATH, bounded to
 * LANDUSE_MAX_THREADS threads. Callers check LANDUSE_ENABLE_MEMORY first.
 */
export function openThreadStore(
  config: Pick<Config, 'threadsDbPath' | 'maxThreads'>,
): ThreadCheckpointer {
  return createCheckpointer({
    kind: 'sqlite',
    path: config.threadsDbPath,
    maxThreads: config.maxThreads,
  });
}

/** The default agent, the embedded offline planner, whatever the configuration says. */
export function createOfflineAgent(
  service: AnalyticsService,
  options: {
    maxIterations: number;
    maxRows: number;
    enableSql: boolean;
    checkpointer?: BaseCheckpointSaver;
    /** The documents search_rpa_documents searches (default: knowledge/, full text). */
    knowledge?: KnowledgeBase;
  },
): AgentGraph {
  instrumentPool(service.pool);
  return createAgentGraph({
    model: new OfflineChatModel(),
    tools: [
      ...createTools({
        analytics: service.analytics,
        ctx: service.ctx,
        guard: service.guard,
        maxRows: options.maxRows,
        enableSql: options.enableSql,
      }),
      createDocumentsTool({
        knowledge: options.knowledge ?? defaultKnowledgeBase(),
        dataset: service.ctx.dataset,
      }),
    ],
    maxIterations: options.maxIterations,
    ...(options.checkpointer ? { checkpointer: options.checkpointer } : {}),
  });
}
