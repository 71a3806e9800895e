import {
  AIMessage,
  HumanMessage,
  isBaseMessage,
  SystemMessage,
  ToolMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import type { BaseCheckpointSaver, CheckpointTuple } from '@langchain/langgraph';
import type { Checkpoint, CheckpointMetadata } from '@langchain/langgraph-checkpoint';
import { answerSources, type AnswerSource, type ToolArtifact } from '../tools/index.ts';
import { textOf } from './trim.ts';
import type { ThreadCheckpointer } from './checkpointer.ts';

/** One message of a thread as the CLI and the API show it. */
export interface ThreadMessage {
  role: 'user' | 'assistant' | 'tool' | 'system';
  content: string;
  /** The tools an assistant message called. */
  toolCalls?: { id?: string; name: string; args: Record<string, unknown> }[];
  /** For a tool message: the call it answers, and the tool's name. */
  toolCallId?: string;
  name?: string;
  /** For a turn's answer: the documents it drew on (its search_rpa_documents passages). */
  sources?: AnswerSource[];
}

export interface ThreadView {
  threadId: string;
  /** When the thread last changed (ISO 8601, from its newest checkpoint). */
  updatedAt: string;
  messages: ThreadMessage[];
}

export interface ThreadSummary {
  threadId: string;
  updatedAt: string;
  /** Messages stored (after compaction: the recent turns and the summary). */
  messageCount: number;
  lastQuestion: string;
}

/** A checkpointer that can list its threads cheaply (both of createCheckpointer's kinds can). */
type Listable = BaseCheckpointSaver & { listThreadIds?: (prefix?: string) => Promise<string[]> };

/**
 * The threads in a checkpointer, the most recently changed first. With createCheckpointer's
 * kinds, the ids come newest first from the store and only the first `limit` threads are read,
 * so listing stays fast however many threads there are.
 */
export async function listThreads(
  checkpointer: Listable,
  options: {
    limit?: number;
    /** Only threads whose id starts with this (one owner's: see owners.ts). */
    prefix?: string;
  } = {},
): Promise<ThreadSummary[]> {
  const ordered = checkpointer.listThreadIds !== undefined;
  const { prefix } = options;
  const ids = ordered
    ? await checkpointer.listThreadIds!(prefix)
    : (await threadIdsFromCheckpoints(checkpointer)).filter(
        (id) => prefix === undefined || id.startsWith(prefix),
      );
  const threads: (ThreadSummary & { checkpointId: string })[] = [];
  for (const threadId of ids) {
    if (ordered && options.limit !== undefined && threads.length >= options.limit) break;
    const tuple = await latest(checkpointer, threadId);
    if (!tuple) continue;
    const messages = messagesOf(tuple);
    // A thread whose only question failed was rolled back to nothing: not a conversation.
    if (messages.length === 0) continue;
    const question = messages.findLast((m) => HumanMessage.isInstance(m));
    threads.push({
      threadId,
      updatedAt: tuple.checkpoint.ts,
      messageCount: messages.length,
      lastQuestion: question ? textOf(question) : '',
      checkpointId: tuple.checkpoint.id,
    });
  }
  // Checkpoint ids are uuid6, ordered by time even within one millisecond.
  threads.sort(
    (a, b) =>
      b.updatedAt.localeCompare(a.updatedAt) || b.checkpointId.localeCompare(a.checkpointId),
  );
  const listed = threads.map(({ checkpointId: _, ...t }) => t);
  return options.limit === undefined ? listed : listed.slice(0, options.limit);
}

/** A thread's stored messages, or undefined when there is no such thread. */
export async function getThread(
  checkpointer: BaseCheckpointSaver,
  threadId: string,
): Promise<ThreadView | undefined> {
  const tuple = await latest(checkpointer, threadId);
  if (!tuple) return undefined;
  return { threadId, updatedAt: tuple.checkpoint.ts, messages: withSources(messagesOf(tuple)) };
}

/** Deletes a thread and all its checkpoints; false when there was no such thread. */
export async function deleteThread(
  checkpointer: BaseCheckpointSaver,
  threadId: string,
): Promise<boolean> {
  const existed = (await latest(checkpointer, threadId)) !== undefined;
  await checkpointer.deleteThread(threadId);
  return existed;
}

function latest(checkpointer: BaseCheckpointSaver, threadId: string) {
  return checkpointer.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: '' } });
}

/** The generic way, for checkpointers without listThreadIds: reads every checkpoint. */
async function threadIdsFromCheckpoints(checkpointer: BaseCheckpointSaver): Promise<string[]> {
  const ids = new Set<string>();
  for await (const t of checkpointer.list({ configurable: {} })) {
    const c = t.config.configurable ?? {};
    if ((c.checkpoint_ns ?? '') === '' && typeof c.thread_id === 'string') ids.add(c.thread_id);
  }
  return [...ids];
}

function messagesOf(tuple: CheckpointTuple): BaseMessage[] {
  const messages = tuple.checkpoint.channel_values.messages;
  return Array.isArray(messages) ? messages.filter((m) => isBaseMessage(m)) : [];
}

/**
 * The messages as views, each turn's answer (an assistant message that calls no tool) carrying
 * the sources of the document searches since the turn's question, as the answer itself did.
 */
function withSources(messages: readonly BaseMessage[]): ThreadMessage[] {
  let artifacts: Pick<ToolArtifact, 'result'>[] = [];
  return messages.map((m) => {
    const view = toView(m);
    if (view.role === 'user') artifacts = [];
    else if (ToolMessage.isInstance(m) && isArtifact(m.artifact)) artifacts.push(m.artifact);
    else if (view.role === 'assistant' && !view.toolCalls) {
      const sources = answerSources(artifacts);
      artifacts = [];
      if (sources.length > 0) return { ...view, sources };
    }
    return view;
  });
}

function isArtifact(value: unknown): value is Pick<ToolArtifact, 'result'> {
  return typeof value === 'object' && value !== null && 'result' in value;
}

function toView(m: BaseMessage): ThreadMessage {
  const content = textOf(m);
  if (HumanMessage.isInstance(m)) return { role: 'user', content };
  if (SystemMessage.isInstance(m)) return { role: 'system', content };
  if (ToolMessage.isInstance(m)) {
    return {
      role: 'tool',
      content,
      toolCallId: m.tool_call_id,
      ...(m.name ? { name: m.name } : {}),
    };
  }
  if (AIMessage.isInstance(m) && m.tool_calls?.length) {
    return {
      role: 'assistant',
      content,
      toolCalls: m.tool_calls.map((c) => ({
        ...(c.id ? { id: c.id } : {}),
        name: c.name,
        args: c.args,
      })),
    };
  }
  return { role: 'assistant', content };
}

/** A thread's newest checkpoint, enough to start another thread in the same state. */
export interface ThreadSnapshot {
  checkpoint: Checkpoint;
  metadata: CheckpointMetadata | undefined;
}

/** The newest checkpoint of a thread, or undefined when there is no such thread. */
export async function snapshotThread(
  checkpointer: BaseCheckpointSaver,
  threadId: string,
): Promise<ThreadSnapshot | undefined> {
  const tuple = await latest(checkpointer, threadId);
  return tuple ? { checkpoint: tuple.checkpoint, metadata: tuple.metadata } : undefined;
}

/**
 * Starts the new thread `threadId` in the state of a snapshot: one checkpoint write (a fraction
 * of a millisecond), where replaying the turn through the graph would take several. A follow-up
 * on the new thread sees the snapshot's conversation. With `track`, the thread is also counted in
 * its bucket (see trackThread), in the same write when the store can.
 */
export async function seedThread(
  checkpointer: ThreadCheckpointer,
  threadId: string,
  snapshot: ThreadSnapshot,
  track?: { bucket: string; maxPerBucket: number },
): Promise<void> {
  await checkpointer.seedNewThread(
    threadId,
    snapshot.checkpoint,
    snapshot.metadata ?? { source: 'update', step: 0, parents: {} },
    track,
  );
}
