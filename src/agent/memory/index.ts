/** Conversation memory: the checkpointer, bounded history and thread management. */
export {
  createCheckpointer,
  DEFAULT_KEEP_CHECKPOINTS,
  type CheckpointerOptions,
  type ThreadCheckpointer,
} from './checkpointer.ts';
export { LOCAL_OWNER, OWNER_ID, ownerPrefix, threadIdOfKey, threadKey } from './owners.ts';
export { deleteThread, getThread, listThreads, seedThread, snapshotThread } from './threads.ts';
export type { ThreadMessage, ThreadSnapshot, ThreadSummary, ThreadView } from './threads.ts';
export {
  compactThreadUpdate,
  currentTurn,
  extractiveSummary,
  isSummaryMessage,
  needsCompaction,
  SUMMARY_LIMITS,
  SUMMARY_NAME,
  textOf,
  trimHistory,
  type Summarize,
  type TrimOptions,
} from './trim.ts';
