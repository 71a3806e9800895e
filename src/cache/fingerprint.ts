import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';

let processToken: string | undefined;

/**
 * The identity of a database file's current contents, for cache keys: device, inode, size and
 * modification time. The loader renames a new file into place, which always gives a new inode,
 * so results cached from the old file never match the new one; size and mtime catch a file
 * rewritten in place. Throws the fs error when the file does not exist.
 *
 * An in-memory database (':memory:', ':memory:name' or '') has no file, and its contents live
 * and die with the process: it gets a random token per process. Processes sharing a Redis L2
 * never share such results. Several in-memory databases in one process share the token, so
 * give them distinct cache namespaces if they share a cache.
 */
export async function databaseFingerprint(path: string): Promise<string> {
  if (path === '' || path.startsWith(':memory:')) {
    processToken ??= randomUUID();
    return `memory:${processToken}:${path}`;
  }
  // bigint: mtimeNs keeps full precision, where mtimeMs is a rounded float.
  const s = await stat(path, { bigint: true });
  return `file:${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;
}
