import type { RunnableConfig } from '@langchain/core/runnables';
import { MemorySaver, type Checkpoint, type CheckpointMetadata } from '@langchain/langgraph';
import { uuid6 } from '@langchain/langgraph-checkpoint';
import { bucketSlack, sweepInterval, threadOf } from './bounds.ts';
import type { ThreadCheckpointer } from './checkpointer.ts';

/** LangGraph's MemorySaver, pruned after each put like the SQLite one. */
export class BoundedMemorySaver extends MemorySaver implements ThreadCheckpointer {
  private readonly keep: number;

  private writesSinceSweep = 0;

  constructor(
    keep: number,
    private readonly maxThreads: number,
  ) {
    super();
    this.keep = keep;
  }

  async seedNewThread(
    threadId: string,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    track?: { bucket: string; maxPerBucket: number },
  ): Promise<void> {
    await this.put(
      { configurable: { thread_id: threadId, checkpoint_ns: '' } },
      { ...checkpoint, id: uuid6(-1), ts: new Date().toISOString() },
      metadata,
    );
    if (track) await this.trackThread(threadId, track.bucket, track.maxPerBucket);
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
  ): Promise<RunnableConfig> {
    const saved = await super.put(config, checkpoint, metadata);
    if (Number.isFinite(this.keep)) this.prune(threadOf(saved));
    if (++this.writesSinceSweep >= sweepInterval(this.maxThreads)) {
      this.writesSinceSweep = 0;
      const stale = (await this.listThreadIds()).slice(this.maxThreads);
      for (const threadId of stale) await this.deleteThread(threadId);
    }
    return saved;
  }

  /** Each tracked thread's bucket, and each bucket's threads, least recently used first. */
  private readonly bucketOf = new Map<string, string>();
  private readonly buckets = new Map<string, Set<string>>();

  override async deleteThread(threadId: string): Promise<void> {
    await super.deleteThread(threadId);
    const bucket = this.bucketOf.get(threadId);
    if (bucket === undefined) return;
    this.bucketOf.delete(threadId);
    const threads = this.buckets.get(bucket);
    threads?.delete(threadId);
    if (threads?.size === 0) this.buckets.delete(bucket);
  }

  listThreadIds(prefix?: string): Promise<string[]> {
    const ids = Object.keys(this.storage).filter(
      (id) => (prefix === undefined || id.startsWith(prefix)) && this.newest(id) !== '',
    );
    return Promise.resolve(ids.sort((a, b) => this.newest(b).localeCompare(this.newest(a))));
  }

  async trackThread(threadId: string, bucket: string, maxPerBucket: number): Promise<string[]> {
    const kept = this.bucketOf.get(threadId) ?? bucket;
    this.bucketOf.set(threadId, kept);
    const threads = this.buckets.get(kept) ?? new Set<string>();
    this.buckets.set(kept, threads);
    // A Set keeps insertion order: taking the thread out and in again makes it the newest.
    threads.delete(threadId);
    threads.add(threadId);
    if (threads.size <= maxPerBucket + bucketSlack(maxPerBucket)) return [];
    const stale = [...threads].slice(0, threads.size - maxPerBucket);
    for (const id of stale) await this.deleteThread(id);
    return stale;
  }

  private newest(threadId: string): string {
    return Object.keys(this.storage[threadId]?.[''] ?? {}).reduce((a, b) => (b > a ? b : a), '');
  }

  close(): void {}

  private prune({ threadId, ns }: { threadId: string; ns: string }): void {
    const checkpoints = this.storage[threadId]?.[ns];
    if (!checkpoints) return;
    const ids = Object.keys(checkpoints).sort();
    const old = new Set(ids.slice(0, Math.max(0, ids.length - this.keep)));
    if (old.size === 0) return;
    for (const id of old) delete checkpoints[id];
    // Writes are keyed by JSON [thread, namespace, checkpoint]; the namespace may be missing.
    for (const key of Object.keys(this.writes)) {
      const [t, n, id] = JSON.parse(key) as [string, string | null, string];
      if (t === threadId && (n ?? '') === ns && old.has(id)) delete this.writes[key];
    }
  }
}
