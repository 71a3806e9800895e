import { randomUUID } from 'node:crypto';
import {
  answerQuestion,
  deleteThread,
  seedThread,
  snapshotThread,
  threadKey,
  type AgentEvent,
  type AgentGraph,
  type AskResult,
  type ThreadSnapshot,
} from '../agent/index.ts';
import { cacheKey } from '../cache/index.ts';
import type { Provider } from '../config/index.ts';
import { AppError } from '../domain/index.ts';
import { currentCollector, currentMetrics } from '../observability/index.ts';
import type { Caller } from './callers.ts';
import type { ServerDeps } from './deps.ts';

/** What a cached answer keeps: the answer, and the conversation state to start its thread in. */
interface CachedAnswer {
  result: AskResult;
  snapshot: ThreadSnapshot;
}

interface Question {
  question: string;
  threadId?: string | undefined;
  provider?: Provider | undefined;
  /** Whose conversation this is: a threadId is looked up among this owner's threads only. */
  caller: Caller;
}

/**
 * Answers one question through the agent of the requested provider, within the configured time.
 *
 * A question that starts a new conversation, asked again of the offline planner over the same
 * database, is answered from the result cache: the answer plus a snapshot of the conversation
 * it produced. Its new thread is seeded from the snapshot (one checkpoint write), so a follow-up
 * works exactly as after a fresh answer. Follow-ups (with a threadId) and LLM answers always
 * run the agent: their answers depend on history or are not reproducible.
 *
 * Conversations belong to the caller: a threadId that is not one of the caller's threads is a
 * 404 (whether it belongs to someone else or to no one), and each new conversation counts
 * against the caller's bucket (LANDUSE_MAX_THREADS_PER_OWNER), whose least recently used
 * threads make room, so no caller can push out anyone else's.
 */
export async function answer(
  deps: ServerDeps,
  q: Question,
  options: {
    signal: AbortSignal;
    onEvent?: (e: AgentEvent) => void;
    useCache?: boolean;
    /** The caller already holds an agent slot (the chat stream takes one before it opens). */
    holdsAgent?: boolean;
    /** checkQuestion's result, when the caller ran it already (the chat stream does). */
    checked?: { agent: AgentGraph; provider: string };
  },
): Promise<{ result: AskResult; cached: boolean }> {
  const started = performance.now();
  const { owner, bucket } = q.caller;
  const { agent, provider } = options.checked ?? (await checkQuestion(deps, q));
  const collector = currentCollector();
  if (collector) collector.provider = provider;
  /** Counts a conversation as just used in the caller's bucket (evicting the bucket's least recently used). */
  const track = async (threadId: string) => {
    if (deps.config.enableMemory) {
      await deps.checkpointer.trackThread(
        threadKey(owner, threadId),
        bucket,
        deps.config.maxThreadsPerOwner,
      );
    }
  };
  const cache = deps.service.cache;
  const cacheable =
    options.useCache !== false &&
    cache !== undefined &&
    q.threadId === undefined &&
    provider === 'offline' &&
    deps.config.enableMemory;
  const key = cacheable
    ? cacheKey({
        sql: 'ask',
        params: [q.question.trim().replace(/\s+/g, ' ').toLowerCase(), provider],
        fingerprint: deps.service.ctx.fingerprint,
        namespace: 'ask',
      })
    : undefined;
  let inFlight = inFlightByServer.get(deps);
  if (!inFlight) {
    inFlight = new Map<string, Promise<CachedAnswer | undefined>>();
    inFlightByServer.set(deps, inFlight);
  }
  const fromCache = async (hit: CachedAnswer) => {
    const threadId = randomUUID();
    await seedThread(
      deps.checkpointer,
      threadKey(owner, threadId),
      hit.snapshot,
      deps.config.enableMemory
        ? { bucket, maxPerBucket: deps.config.maxThreadsPerOwner }
        : undefined,
    );
    const totalMs = performance.now() - started;
    return {
      result: {
        ...hit.result,
        threadId,
        // This request's figures, not those of the answer's first run.
        timings: { totalMs, llmMs: 0, toolMs: 0, dbMs: 0, agentMs: totalMs },
        metrics: currentMetrics(),
      },
      cached: true,
    };
  };
  if (key) {
    const hit = (await cache?.get<CachedAnswer>(key)) ?? (await inFlight.get(key));
    if (hit) return fromCache(hit);
  }
  // A miss takes an agent from the pool (or waits in line, or gets a 503); hits never do.
  const work = async () => {
    const result = await answerQuestion({
      agent,
      question: q.question,
      threadId: q.threadId,
      owner,
      provider,
      dataset: deps.service.ctx.dataset,
      timeoutMs: deps.config.maxExecutionTimeSeconds * 1000,
      signal: options.signal,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    // Without LANDUSE_ENABLE_MEMORY every question stands alone: keep nothing.
    if (!deps.config.enableMemory)
      await deleteThread(deps.checkpointer, threadKey(owner, result.threadId));
    else await track(result.threadId);
    return result;
  };
  const queued = performance.now();
  const run = options.holdsAgent
    ? work()
    : deps.agents.run(() => {
        if (collector) collector.queueMs += performance.now() - queued;
        return work();
      });
  if (!key) return { result: await run, cached: false };
  // The same question arriving while this one runs waits for it instead of running again.
  const entry = run.then(async (result): Promise<CachedAnswer | undefined> => {
    // Only answers that ran a tool are kept: a timeout message or a decline costs nothing to redo.
    if (result.toolCalls.length === 0) return undefined;
    const snapshot = await snapshotThread(deps.checkpointer, threadKey(owner, result.threadId));
    if (!snapshot) return undefined;
    const answer = { result, snapshot };
    await cache?.set<CachedAnswer>(key, answer);
    return answer;
  });
  const running = inFlight;
  const settled = entry.catch(() => undefined).finally(() => running.delete(key));
  inFlight.set(key, settled);
  const result = await run;
  await settled;
  return { result, cached: false };
}

/** Cacheable questions being answered now, per server, by cache key. */
const inFlightByServer = new WeakMap<ServerDeps, Map<string, Promise<CachedAnswer | undefined>>>();

/**
 * What can be refused before any work or slot is spent: a provider that is not set up (400) and
 * a threadId that is not one of the caller's threads (404). Returns the agent to ask.
 */
export async function checkQuestion(
  deps: ServerDeps,
  q: Question,
): Promise<{ agent: AgentGraph; provider: string }> {
  const made = deps.agentFor(q.provider);
  if (
    q.threadId !== undefined &&
    !(await snapshotThread(deps.checkpointer, threadKey(q.caller.owner, q.threadId)))
  ) {
    throw threadNotFound(q.threadId);
  }
  return made;
}

/** The one answer for a thread the caller cannot see, whether someone else's or nobody's. */
export function threadNotFound(id: string): AppError {
  return new AppError(
    'not_found:thread',
    `There is no conversation "${id}" (it may have been deleted). Start a new one by asking without a threadId.`,
  );
}
