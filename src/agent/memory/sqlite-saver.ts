import type { RunnableConfig } from '@langchain/core/runnables';
import type { Checkpoint, CheckpointMetadata, CheckpointTuple } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import {
  uuid6,
  type CheckpointListOptions,
  type PendingWrite,
} from '@langchain/langgraph-checkpoint';
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { bucketSlack, prefixEnd, sweepInterval, threadOf } from './bounds.ts';
import type { ThreadCheckpointer } from './checkpointer.ts';

/** Stand-ins for a checkpoint's id and time in its serialized template (never in real content). */
const ID_MARK = `@@seed-id-${randomUUID()}@@`;
const TS_MARK = `@@seed-ts-${randomUUID()}@@`;

/** SqliteSaver from @langchain/langgraph-checkpoint-sqlite, pruned after each put. */
export class BoundedSqliteSaver extends SqliteSaver implements ThreadCheckpointer {
  private readonly keep: number;
  /** Each seeded checkpoint serialized once, with ID_MARK and TS_MARK for its id and time. */
  private readonly seedTemplates = new WeakMap<
    Checkpoint,
    { type: string; checkpoint: string; metadata: Uint8Array }
  >();
  private seedStatement?: Database.Statement<[string, string, string, Uint8Array, Uint8Array]>;
  /** Seeds waiting for their group commit (see seedNewThread), and that commit. */
  private pendingSeeds: {
    threadId: string;
    id: string;
    type: string;
    checkpoint: Uint8Array;
    metadata: Uint8Array;
    track?: { bucket: string; maxPerBucket: number };
  }[] = [];
  private seedsWritten?: Promise<void>;
  private pruneStatements?: {
    cutoff: Database.Statement<[string, string, number], string>;
    checkpoints: Database.Statement<[string, string, string]>;
    writes: Database.Statement<[string, string, string]>;
  };

  private writesSinceSweep = 0;
  private sweepStatements?: {
    checkpoints: Database.Statement<[number]>;
    writes: Database.Statement<[number]>;
  };

  constructor(
    db: Database.Database,
    keep: number,
    private readonly maxThreads: number,
  ) {
    super(db);
    this.keep = keep;
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
  ): Promise<RunnableConfig> {
    this.flushSeeds();
    const saved = await super.put(config, checkpoint, metadata);
    if (Number.isFinite(this.keep)) this.prune(threadOf(saved));
    if (++this.writesSinceSweep >= sweepInterval(this.maxThreads)) this.sweep();
    return saved;
  }

  async seedNewThread(
    threadId: string,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    track?: { bucket: string; maxPerBucket: number },
  ): Promise<void> {
    this.setup();
    let template = this.seedTemplates.get(checkpoint);
    if (!template) {
      const [type, body] = await this.serde.dumpsTyped({ ...checkpoint, id: ID_MARK, ts: TS_MARK });
      const [metadataType, metadataBody] = await this.serde.dumpsTyped(metadata);
      if (type !== metadataType) throw new Error('checkpoint and metadata serialized differently');
      template = { type, checkpoint: new TextDecoder().decode(body), metadata: metadataBody };
      this.seedTemplates.set(checkpoint, template);
    }
    const id = uuid6(-1);
    const body = template.checkpoint
      .replace(ID_MARK, id)
      .replace(TS_MARK, new Date().toISOString());
    this.pendingSeeds.push({
      threadId,
      id,
      type: template.type,
      checkpoint: new TextEncoder().encode(body),
      metadata: template.metadata,
      ...(track ? { track } : {}),
    });
    // Group commit: the seeds of every request handled in this turn of the event loop go in one
    // transaction (one WAL append), and each request answers only once its own is written.
    this.seedsWritten ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        this.seedsWritten = undefined;
        try {
          this.flushSeeds();
          resolve();
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      }),
    );
    return this.seedsWritten;
  }

  /**
   * Writes the seeds waiting for their group commit, with their buckets' counts, in one
   * transaction. Every other read or write of the store calls it first, so none sees the store
   * without a thread already answered for.
   */
  private flushSeeds(): void {
    if (this.pendingSeeds.length === 0) return;
    const batch = this.pendingSeeds;
    this.pendingSeeds = [];
    this.seedStatement ??= this.db.prepare(
      `INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata)
       VALUES (?, '', ?, NULL, ?, ?, ?)`,
    );
    const insert = this.seedStatement;
    this.db.transaction(() => {
      for (const s of batch) {
        insert.run(s.threadId, s.id, s.type, s.checkpoint, s.metadata);
        if (s.track) this.trackInTransaction(s.threadId, s.track.bucket, s.track.maxPerBucket);
      }
    })();
    this.writesSinceSweep += batch.length;
    if (this.writesSinceSweep >= sweepInterval(this.maxThreads)) this.sweep();
  }

  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    this.flushSeeds();
    return super.getTuple(config);
  }

  override list(
    config: RunnableConfig,
    options?: CheckpointListOptions,
  ): AsyncGenerator<CheckpointTuple> {
    this.flushSeeds();
    return super.list(config, options);
  }

  override async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
  ): Promise<void> {
    this.flushSeeds();
    return super.putWrites(config, writes, taskId);
  }

  /** Deletes the least recently changed threads beyond maxThreads. */
  private sweep(): void {
    this.writesSinceSweep = 0;
    const stale = `SELECT thread_id FROM checkpoints WHERE checkpoint_ns = ''
                   GROUP BY thread_id ORDER BY max(checkpoint_id) DESC LIMIT -1 OFFSET ?`;
    this.sweepStatements ??= {
      checkpoints: this.db.prepare(`DELETE FROM checkpoints WHERE thread_id IN (${stale})`),
      writes: this.db.prepare(`DELETE FROM writes WHERE thread_id IN (${stale})`),
    };
    const s = this.sweepStatements;
    this.buckets();
    this.db.transaction(() => {
      // Writes first: they are found through the checkpoints still there.
      s.writes.run(this.maxThreads);
      s.checkpoints.run(this.maxThreads);
      this.db
        .prepare(
          `DELETE FROM thread_buckets WHERE thread_id NOT IN (SELECT thread_id FROM checkpoints)`,
        )
        .run();
    })();
  }

  /** The base class reads the tables lazily, but its deleteThread forgets to create them. */
  override async deleteThread(threadId: string): Promise<void> {
    this.setup();
    this.flushSeeds();
    const b = this.buckets();
    await super.deleteThread(threadId);
    b.forget.run(threadId);
  }

  listThreadIds(prefix?: string): Promise<string[]> {
    this.setup();
    this.flushSeeds();
    // Checkpoint ids are uuid6: the greatest is the newest, so this orders by last change.
    // A prefix is a range of the primary key's first column, so an owner's list reads only
    // that owner's rows.
    const ids =
      prefix === undefined
        ? this.db
            .prepare<[], string>(
              `SELECT thread_id FROM checkpoints WHERE checkpoint_ns = ''
               GROUP BY thread_id ORDER BY max(checkpoint_id) DESC`,
            )
            .pluck()
            .all()
        : this.db
            .prepare<[string, string], string>(
              `SELECT thread_id FROM checkpoints
               WHERE thread_id >= ? AND thread_id < ? AND checkpoint_ns = ''
               GROUP BY thread_id ORDER BY max(checkpoint_id) DESC`,
            )
            .pluck()
            .all(prefix, prefixEnd(prefix));
    return Promise.resolve(ids);
  }

  trackThread(threadId: string, bucket: string, maxPerBucket: number): Promise<string[]> {
    this.flushSeeds();
    // One write transaction for the use and any evictions: a flood of new threads costs one
    // WAL append each, not four.
    const evicted = this.db.transaction(() =>
      this.trackInTransaction(threadId, bucket, maxPerBucket),
    )();
    return Promise.resolve(evicted);
  }

  /** trackThread's work, inside a transaction the caller holds. */
  private trackInTransaction(threadId: string, bucket: string, maxPerBucket: number): string[] {
    const b = this.buckets();
    b.track.run(threadId, bucket, ++this.uses);
    if ((b.count.get(bucket) ?? 0) <= maxPerBucket + bucketSlack(maxPerBucket)) return [];
    const stale = b.stale.all(bucket, maxPerBucket);
    for (const id of stale) {
      b.writes.run(id);
      b.checkpoints.run(id);
      b.forget.run(id);
    }
    return stale;
  }

  /** Orders uses within this process; a new process starts after every stored one. */
  private uses = 0;
  private bucketStatements?: {
    track: Database.Statement<[string, string, number]>;
    count: Database.Statement<[string], number>;
    stale: Database.Statement<[string, number], string>;
    forget: Database.Statement<[string]>;
    checkpoints: Database.Statement<[string]>;
    writes: Database.Statement<[string]>;
  };

  /** Which bucket each thread counts against, and when it was last used (see trackThread). */
  private buckets() {
    if (this.bucketStatements) return this.bucketStatements;
    this.setup();
    this.db.exec(`CREATE TABLE IF NOT EXISTS thread_buckets (
      thread_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, used INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS thread_buckets_bucket_used ON thread_buckets (bucket, used);`);
    this.uses = Math.max(
      Date.now() * 1000,
      this.db
        .prepare<[], number>(`SELECT coalesce(max(used), 0) FROM thread_buckets`)
        .pluck()
        .get()!,
    );
    this.bucketStatements = {
      track: this.db.prepare(
        `INSERT INTO thread_buckets (thread_id, bucket, used) VALUES (?, ?, ?)
         ON CONFLICT (thread_id) DO UPDATE SET used = excluded.used`,
      ),
      count: this.db
        .prepare<[string], number>(`SELECT count(*) FROM thread_buckets WHERE bucket = ?`)
        .pluck(),
      stale: this.db
        .prepare<[string, number], string>(
          `SELECT thread_id FROM thread_buckets WHERE bucket = ?
           ORDER BY used DESC LIMIT -1 OFFSET ?`,
        )
        .pluck(),
      forget: this.db.prepare(`DELETE FROM thread_buckets WHERE thread_id = ?`),
      checkpoints: this.db.prepare(`DELETE FROM checkpoints WHERE thread_id = ?`),
      writes: this.db.prepare(`DELETE FROM writes WHERE thread_id = ?`),
    };
    return this.bucketStatements;
  }

  close(): void {
    if (this.db.open) {
      this.flushSeeds();
      this.db.close();
    }
  }

  private prune({ threadId, ns }: { threadId: string; ns: string }): void {
    this.pruneStatements ??= {
      // The newest checkpoint to keep; checkpoint ids are uuid6, so they sort by time.
      cutoff: this.db
        .prepare<[string, string, number], string>(
          `SELECT checkpoint_id FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ?
           ORDER BY checkpoint_id DESC LIMIT 1 OFFSET ?`,
        )
        .pluck(),
      checkpoints: this.db.prepare(
        `DELETE FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id < ?`,
      ),
      writes: this.db.prepare(
        `DELETE FROM writes WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id < ?`,
      ),
    };
    const s = this.pruneStatements;
    this.db.transaction(() => {
      const cutoff = s.cutoff.get(threadId, ns, this.keep - 1);
      if (cutoff === undefined) return;
      s.checkpoints.run(threadId, ns, cutoff);
      s.writes.run(threadId, ns, cutoff);
    })();
  }
}
