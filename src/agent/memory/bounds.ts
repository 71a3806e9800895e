/** The bounds both thread stores (sqlite-saver.ts, memory-saver.ts) keep, and their helpers. */
import type { RunnableConfig } from '@langchain/core/runnables';

/** How many writes pass between two sweeps for the thread bound. */
export function sweepInterval(maxThreads: number): number {
  return Number.isFinite(maxThreads)
    ? Math.max(1, Math.min(1000, Math.floor(maxThreads / 10)))
    : Infinity;
}

/**
 * How far a bucket may run over its bound before its least recently used threads are deleted
 * (down to the bound, in one transaction): deleting in batches keeps a flood of new threads
 * at about one small write each instead of a delete per new thread.
 */
export function bucketSlack(maxPerBucket: number): number {
  return Math.max(1, Math.floor(maxPerBucket / 10));
}

/** The least string greater than every string that starts with `prefix`. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export function threadOf(config: RunnableConfig): { threadId: string; ns: string } {
  const c = config.configurable ?? {};
  return {
    threadId: String(c.thread_id),
    ns: typeof c.checkpoint_ns === 'string' ? c.checkpoint_ns : '',
  };
}
