import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  type PendingWrite,
} from '@langchain/langgraph-checkpoint';
import type { ThreadCheckpointer } from './checkpointer.ts';

/**
 * Conversations shared through Redis that survive Redis going away. Every write goes to this
 * instance's own store (`local`: SQLite or memory) and to the shared one (`shared`: Redis, the
 * same for every instance); a shared write that fails is counted (onSharedError), the turn
 * stands on the local copy, and the thread is marked unsynced. Redis is the truth for every
 * other thread whenever it answers (a thread deleted or continued elsewhere is seen as such);
 * the local copy answers when Redis does not, and for an unsynced thread the newer of the two
 * checkpoints wins (checkpoint ids are time-ordered uuid6) until a shared write succeeds again.
 * So:
 *
 * - with Redis up, a conversation continues on whichever instance the next question reaches;
 * - with Redis down, each instance goes on with the conversations it has served (a balancer
 *   that keeps a client on one instance, as deploy/nginx.conf does, makes that every one);
 * - when Redis comes back, possibly empty, the turns taken meanwhile are not lost: the next
 *   turn writes the whole state back.
 *
 * Deleting while Redis is down deletes the local copy only; the shared copy then outlives it
 * until its own bounds drop it.
 */
export class FailoverCheckpointer extends BaseCheckpointSaver implements ThreadCheckpointer {
  /** Threads with turns that only the local copy holds, oldest first (bounded). */
  private readonly unsynced = new Set<string>();

  constructor(
    private readonly local: ThreadCheckpointer,
    private readonly shared: ThreadCheckpointer,
    private readonly onSharedError: (error: unknown) => void = () => {},
  ) {
    super(local.serde);
  }

  /**
   * The shared store's answer, or `fallback` when it fails (counted). A failed write of
   * `write.threadId` marks the thread unsynced; a written whole checkpoint clears the mark.
   */
  private async tryShared<T>(
    fn: () => Promise<T>,
    fallback: T,
    write?: { threadId: string | undefined; whole: boolean },
  ): Promise<T> {
    const threadId = write?.threadId;
    try {
      const result = await fn();
      if (threadId !== undefined && write?.whole) this.unsynced.delete(threadId);
      return result;
    } catch (error) {
      this.onSharedError(error);
      if (threadId !== undefined) {
        this.unsynced.delete(threadId);
        this.unsynced.add(threadId);
        if (this.unsynced.size > MAX_UNSYNCED) {
          this.unsynced.delete(this.unsynced.values().next().value!);
        }
      }
      return fallback;
    }
  }

  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const wanted = config.configurable?.checkpoint_id as string | undefined;
    let failed = false;
    const [local, shared] = await Promise.all([
      this.local.getTuple(config),
      this.shared.getTuple(config).catch((error: unknown) => {
        this.onSharedError(error);
        failed = true;
        return undefined;
      }),
    ]);
    if (failed) return local;
    const threadId = threadOf(config);
    // Redis is the truth, except for a thread with turns only the local copy holds.
    if (threadId === undefined || !this.unsynced.has(threadId)) return shared;
    if (wanted !== undefined || !local) return shared ?? local;
    if (!shared) return local;
    return shared.checkpoint.id >= local.checkpoint.id ? shared : local;
  }

  override async *list(
    config: RunnableConfig,
    options?: CheckpointListOptions,
  ): AsyncGenerator<CheckpointTuple> {
    let yielded = 0;
    let failed = false;
    try {
      for await (const tuple of this.shared.list(config, options)) {
        yielded++;
        yield tuple;
      }
    } catch (error) {
      this.onSharedError(error);
      failed = true;
    }
    const threadId = threadOf(config);
    const unsynced = threadId !== undefined && this.unsynced.has(threadId);
    if (yielded === 0 && (failed || unsynced)) yield* this.local.list(config, options);
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const [written] = await Promise.all([
      this.local.put(config, checkpoint, metadata, newVersions),
      this.tryShared(() => this.shared.put(config, checkpoint, metadata, newVersions), null, {
        threadId: threadOf(config),
        whole: true,
      }),
    ]);
    return written;
  }

  override async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath?: string,
  ): Promise<void> {
    await Promise.all([
      this.local.putWrites(config, writes, taskId, taskPath),
      this.tryShared(() => this.shared.putWrites(config, writes, taskId, taskPath), undefined, {
        threadId: threadOf(config),
        whole: false,
      }),
    ]);
  }

  override async deleteThread(threadId: string): Promise<void> {
    this.unsynced.delete(threadId);
    await Promise.all([
      this.local.deleteThread(threadId),
      this.tryShared(() => this.shared.deleteThread(threadId), undefined),
    ]);
  }

  async listThreadIds(prefix?: string): Promise<string[]> {
    const [local, shared] = await Promise.all([
      this.local.listThreadIds(prefix),
      this.tryShared(() => this.shared.listThreadIds(prefix), undefined),
    ]);
    if (shared === undefined) return local;
    const seen = new Set(shared);
    return [...shared, ...local.filter((id) => !seen.has(id) && this.unsynced.has(id))];
  }

  async trackThread(threadId: string, bucket: string, maxPerBucket: number): Promise<string[]> {
    const [local, shared] = await Promise.all([
      this.local.trackThread(threadId, bucket, maxPerBucket),
      this.tryShared(() => this.shared.trackThread(threadId, bucket, maxPerBucket), []),
    ]);
    // Threads another instance made count in the shared bucket: drop their local copies too.
    const localOnly = new Set(local);
    const more = shared.filter((id) => !localOnly.has(id));
    await Promise.all(more.map((id) => this.local.deleteThread(id)));
    return [...local, ...more];
  }

  async seedNewThread(
    threadId: string,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    track?: { bucket: string; maxPerBucket: number },
  ): Promise<void> {
    await Promise.all([
      this.local.seedNewThread(threadId, checkpoint, metadata, track),
      this.tryShared(
        () => this.shared.seedNewThread(threadId, checkpoint, metadata, track),
        undefined,
        { threadId, whole: true },
      ),
    ]);
  }

  /** Closes both stores (the shared store's Redis connection belongs to its owner). */
  close(): void {
    this.local.close();
    this.shared.close();
  }
}

/** Unsynced threads remembered at most (the oldest mark is dropped past it). */
const MAX_UNSYNCED = 10_000;

function threadOf(config: RunnableConfig): string | undefined {
  const id: unknown = config.configurable?.thread_id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}
