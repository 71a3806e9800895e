/** Conversation memory: the checkpointer, bounded history and thread management. */
export { createCheckpointer, type ThreadCheckpointer } from './checkpointer.ts';
export { RedisSaver, type RedisSaverOptions } from './redis-saver.ts';
export { FailoverCheckpointer } from './failover-saver.ts';
export { LOCAL_OWNER, ownerPrefix, threadIdOfKey, threadKey } from './owners.ts';
export { deleteThread, getThread, listThreads, seedThread, snapshotThread } from './threads.ts';
export type { ThreadSnapshot, ThreadSummary, ThreadView } from './threads.ts';
export {
  compactThreadUpdate,
  currentTurn,
  extractiveSummary,
  isSummaryMessage,
  needsCompaction,
  SUMMARY_LIMITS,
  textOf,
  trimHistory,
} from './trim.ts';
