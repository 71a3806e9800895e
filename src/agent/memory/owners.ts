/**
 * Every conversation belongs to an owner: an API key's digest, an anonymous visitor's id, or the
 * local user of the CLI. The store keys a thread by `owner:threadId`, so a caller can only ever
 * name threads under its own prefix: another owner's thread is not hidden by a check that could
 * be forgotten, it is simply not there.
 */

/** The owner of the CLI's conversations (the person at the terminal). */
export const LOCAL_OWNER = 'local';

/** Owner ids are short and closed: letters, digits, "_" and "-" (never ":"). */
const OWNER_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** The store's key of `threadId` for `owner`. */
export function threadKey(owner: string, threadId: string): string {
  if (!OWNER_ID.test(owner)) throw new RangeError(`Not an owner id: ${JSON.stringify(owner)}`);
  return `${owner}:${threadId}`;
}

/** The prefix every one of `owner`'s thread keys starts with. */
export function ownerPrefix(owner: string): string {
  return threadKey(owner, '');
}

/** The thread id inside a store key of `owner`, or undefined when the key is someone else's. */
export function threadIdOfKey(owner: string, key: string): string | undefined {
  const prefix = ownerPrefix(owner);
  return key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
}
