/**
 * The Redis checkpointer's (redis-saver.ts) codec: how it packs values into Redis strings, reads
 * ids from a config and names checkpoints in members, and runs its Lua scripts
 * (redis-scripts.ts) on a caller's ioredis client.
 */
import type { RunnableConfig } from '@langchain/core/runnables';
import {
  compareWritesSortKeys,
  writesSortKey,
  type CheckpointPendingWrite,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { SCRIPTS, type ScriptName } from './redis-scripts.ts';

/** A serialized value with a small JSON header: `uint32 header length, header, body`. */
export function pack(header: unknown, body: Uint8Array): Buffer {
  const head = Buffer.from(JSON.stringify(header));
  const out = Buffer.allocUnsafe(4 + head.length + body.byteLength);
  out.writeUInt32BE(head.length, 0);
  head.copy(out, 4);
  out.set(body, 4 + head.length);
  return out;
}

/** The header and body of a packed value. */
export function unpack<H>(packed: Buffer): { header: H; body: Uint8Array } {
  const length = packed.readUInt32BE(0);
  return {
    header: JSON.parse(packed.subarray(4, 4 + length).toString()) as H,
    body: packed.subarray(4 + length),
  };
}

/** A Uint8Array as a Buffer over the same memory (ioredis sends Buffers as bytes). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The least byte string greater than every string that starts with `prefix` (Redis orders
 * members by their bytes), or an empty buffer when there is none (a prefix of 0xff bytes).
 */
export function prefixEndBytes(prefix: string): Buffer {
  const bytes = Buffer.from(prefix);
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0xff) end--;
  if (end === 0) return Buffer.alloc(0);
  const out = Buffer.from(bytes.subarray(0, end));
  out[end - 1]! += 1;
  return out;
}

/** A flat [field, value, field, value, ...] reply as pairs. */
export function pairs(flat: Buffer[]): [Buffer, Buffer][] {
  const out: [Buffer, Buffer][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

const SHAS = Object.fromEntries(
  Object.entries(SCRIPTS).map(([name, source]) => [
    name,
    createHash('sha1').update(source).digest('hex'),
  ]),
) as Record<ScriptName, string>;

/** Redis replies with bulk strings as Buffers. */
export type Reply = Buffer | number | null | Reply[];

/**
 * Runs a script by its digest, sending its source only when the server does not have it
 * (the first call, or after a restart emptied the script cache). Rejects as soon as the client
 * does: with its offline queue off or a command timeout, a Redis that is down fails fast.
 */
export async function runScript(
  client: Redis,
  name: ScriptName,
  args: (string | Buffer | number)[],
): Promise<Reply> {
  try {
    return (await client.callBuffer('EVALSHA', SHAS[name], 0, ...args)) as Reply;
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return (await client.callBuffer('EVAL', SCRIPTS[name], 0, ...args)) as Reply;
  }
}

/** A checkpoint's stored writes (HGETALL), in the order a superstep applies them. */
export async function decodeWrites(
  serde: SerializerProtocol,
  flat: Buffer[],
): Promise<CheckpointPendingWrite[]> {
  const rows = pairs(flat).map(([field, packed]) => {
    const f = field.toString();
    const cut = f.lastIndexOf('\0');
    const { header, body } = unpack<[string, string, string]>(packed);
    const [channel, type, path] = header;
    const taskId = f.slice(0, cut);
    const key = writesSortKey(path, taskId, Number(f.slice(cut + 1)));
    return { key, taskId, channel, type, body };
  });
  rows.sort((a, b) => compareWritesSortKeys(a.key, b.key));
  return Promise.all(
    rows.map(async (w): Promise<CheckpointPendingWrite> => [
      w.taskId,
      w.channel,
      await serde.loadsTyped(w.type, w.body),
    ]),
  );
}

/** One thread id as the async sequence list() walks. */
export async function* single(threadId: string): AsyncGenerator<string> {
  yield await Promise.resolve(threadId);
}

/** A channel's value at one version, as a checkpoint names it (`channel\0version`). */
export function ref(channel: string, version: string | number): string {
  return `${checkNamePart(channel, 'channel')}\0${String(version)}`;
}

/** Names joined with \0 and \1 in keys and members must not contain them. */
export function checkNamePart(value: string, what: string): string {
  if (value.includes('\0') || value.includes('\x01'))
    throw new RangeError(`A ${what} must not contain \\0 or \\x01.`);
  return value;
}

/** A configurable id (a string, or a number), or undefined when missing. */
export function idOf(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new TypeError(`${what} must be a string.`);
}

/** A config's checkpoint namespace ('' when missing). */
export function namespaceOf(ns: unknown): string {
  return checkNamePart(idOf(ns, 'checkpoint_ns') ?? '', 'checkpoint namespace');
}

/** A config's thread id, which writes require. */
export function requiredThreadId(config: RunnableConfig, what: string): string {
  const threadId = idOf(config.configurable?.thread_id, 'thread_id');
  if (threadId === undefined || threadId === '')
    throw new Error(`Failed to ${what}: config.configurable has no "thread_id".`);
  return threadId;
}

/** A member `<ns>\0<checkpoint id>` of a thread's checkpoint index, split. */
export function splitMember(member: string): { member: string; ns: string; id: string } {
  const cut = member.indexOf('\0');
  return { member, ns: member.slice(0, cut), id: member.slice(cut + 1) };
}
