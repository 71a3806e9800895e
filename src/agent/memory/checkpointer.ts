import type { BaseCheckpointSaver, Checkpoint, CheckpointMetadata } from '@langchain/langgraph';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { dirname } from 'node:path';
import { BoundedMemorySaver } from './memory-saver.ts';
import { RedisSaver } from './redis-saver.ts';
import { BoundedSqliteSaver } from './sqlite-saver.ts';

/** Checkpoints kept per thread by default: enough for the last turn or two, and no more. */
const DEFAULT_KEEP_CHECKPOINTS = 10;

type CheckpointerOptions = (
  | {
      kind: 'sqlite';
      /** The SQLite file, e.g. data/threads.sqlite; its folder is created when missing. */
      path: string;
    }
  | { kind: 'memory' }
  | {
      kind: 'redis';
      /** An ioredis client the caller owns and closes (close() leaves it open). */
      client: Redis;
      /** Prepended to every key, so that several stores can share a Redis. Default 'landuse:'. */
      prefix?: string;
    }
) & {
  /** Newest checkpoints kept per thread; older ones are deleted (Infinity keeps all). */
  keepCheckpoints?: number;
  /**
   * Most threads kept (LANDUSE_MAX_THREADS): past it, the least recently changed are deleted,
   * checked every tenth of the bound's writes (at most every 1,000), so the count can run up to
   * 10 % over between sweeps. Infinity (the default) keeps all.
   */
  maxThreads?: number;
};

/**
 * A LangGraph checkpointer that also lists its threads and can be closed. Each super-step of a
 * run writes a full checkpoint, so both kinds delete all but the newest `keepCheckpoints` of a
 * thread: with compaction (see trim.ts) keeping each checkpoint small, a thread's storage stays
 * bounded however long it runs. Old checkpoints are only needed for time travel, which the
 * agent does not use. (A DeltaChannel state would need the whole chain: do not prune then.)
 */
export interface ThreadCheckpointer extends BaseCheckpointSaver {
  /**
   * Thread ids with at least one checkpoint, the most recently written first; only those that
   * start with `prefix` when given (an owner's threads: see owners.ts).
   */
  listThreadIds(prefix?: string): Promise<string[]>;
  /**
   * Records that a thread counts against `bucket` (an owner, or an address for anonymous
   * callers) and was just used (a thread keeps the bucket it was first tracked in), then deletes
   * the bucket's least recently used threads beyond `maxPerBucket`, so a caller that floods new
   * threads evicts only its own. Deletions come in batches: a bucket may run a tenth over its
   * bound (bucketSlack) before it is cut back to it. Returns the deleted thread ids.
   */
  trackThread(threadId: string, bucket: string, maxPerBucket: number): Promise<string[]>;
  /**
   * Writes `checkpoint` as the only checkpoint of a new thread (an answer served from the answer
   * cache, so that it can be followed up), and with `track` counts the thread in its bucket
   * (trackThread): the same as `put` on a thread that does not exist yet, with the serialized
   * form of a checkpoint that is seeded again and again made only once. Resolves once written.
   */
  seedNewThread(
    threadId: string,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    track?: { bucket: string; maxPerBucket: number },
  ): Promise<void>;
  /** Frees the database; the checkpointer must not be used afterwards. */
  close(): void;
}

/**
 * The conversation store for the agent's graph: SQLite (a file that outlives the process) by
 * default, in memory for tests, or Redis, shared by several server instances (redis-saver.ts).
 * Opening the file is the only side effect, and it happens here, not at import time.
 */
export function createCheckpointer(options: CheckpointerOptions): ThreadCheckpointer {
  const keep = options.keepCheckpoints ?? DEFAULT_KEEP_CHECKPOINTS;
  if (!(keep >= 2)) throw new RangeError('keepCheckpoints must be at least 2.');
  const maxThreads = options.maxThreads ?? Infinity;
  if (!(maxThreads >= 1)) throw new RangeError('maxThreads must be at least 1.');
  if (options.kind === 'memory') return new BoundedMemorySaver(keep, maxThreads);
  if (options.kind === 'redis') {
    const { client, prefix } = options;
    return new RedisSaver({
      client,
      keepCheckpoints: keep,
      maxThreads,
      ...(prefix ? { prefix } : {}),
    });
  }
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  // WAL with NORMAL sync cannot corrupt the file; a crash may lose the
  // last turn, a fair price for not syncing the disk at every step of every turn.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return new BoundedSqliteSaver(db, keep, maxThreads);
}
