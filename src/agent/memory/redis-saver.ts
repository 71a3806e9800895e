import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  copyCheckpoint,
  getCheckpointId,
  maxChannelVersion,
  TASKS,
  uuid6,
  WRITES_IDX_MAP,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  type PendingWrite,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { bucketSlack, sweepInterval } from './bounds.ts';
import type { ThreadCheckpointer } from './checkpointer.ts';
import {
  asBuffer,
  checkNamePart,
  decodeWrites,
  idOf,
  namespaceOf,
  pack,
  pairs,
  prefixEndBytes,
  ref,
  requiredThreadId,
  runScript,
  single,
  splitMember,
  unpack,
  type Reply,
} from './redis-codec.ts';
import type { ScriptName } from './redis-scripts.ts';

export interface RedisSaverOptions {
  /** An ioredis client the caller owns (and closes); several savers may share it. */
  client: Redis;
  /** Prepended to every key (after the client's own keyPrefix, if any). Default 'landuse:'. */
  prefix?: string;
  /** Newest checkpoints kept per thread and namespace; Infinity (the default) keeps all. */
  keepCheckpoints?: number;
  /** Most threads kept, the least recently written deleted past it; Infinity by default. */
  maxThreads?: number;
  serde?: SerializerProtocol;
}

/** Stand-ins for a seeded checkpoint's id and time in its serialized template. */
const ID_MARK = `@@seed-id-${randomUUID()}@@`;
const TS_MARK = `@@seed-ts-${randomUUID()}@@`;
/** A page of thread ids read at a time when list() is not given a thread. */
const THREAD_PAGE = 100;

/** A checkpoint serialized for the put script. */
interface Serialized {
  type: string;
  checkpoint: Buffer;
  metadata: Buffer;
  /** "channel\0version" of every channel the checkpoint reads. */
  refs: string[];
  /** The values written with this checkpoint, by reference. */
  blobs: [string, Buffer][];
}

/**
 * A LangGraph checkpointer on plain Redis structures (sorted sets and hashes, no modules), shared
 * by every server instance on the same Redis. Like the official Postgres saver it stores each
 * channel's value once per version (a checkpoint names the versions it reads), and like the
 * project's other stores it keeps the newest `keepCheckpoints` per thread, the newest
 * `maxThreads` threads and the per-bucket bounds of trackThread. Every operation is one Lua
 * script (redis-scripts.ts: the key layout), so it is atomic and bounded by one thread's
 * kept checkpoints, never by the whole store. Nothing expires on its own: the bounds keep the
 * store's size, so run Redis with `maxmemory-policy noeviction` (or a volatile-* policy) for it.
 */
export class RedisSaver extends BaseCheckpointSaver implements ThreadCheckpointer {
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly keep: number;
  private readonly maxThreads: number;
  private closed = false;
  /** Each seeded checkpoint serialized once, with ID_MARK and TS_MARK for its id and time. */
  private readonly seedTemplates = new WeakMap<Checkpoint, Omit<Serialized, 'metadata'>>();

  constructor(options: RedisSaverOptions) {
    super(options.serde);
    this.client = options.client;
    this.prefix = (options.client.options.keyPrefix ?? '') + (options.prefix ?? 'landuse:');
    this.keep = options.keepCheckpoints ?? Infinity;
    this.maxThreads = options.maxThreads ?? Infinity;
    if (!(this.keep >= 2)) throw new RangeError('keepCheckpoints must be at least 2.');
    if (!(this.maxThreads >= 1)) throw new RangeError('maxThreads must be at least 1.');
  }

  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const c = config.configurable ?? {};
    const threadId = idOf(c.thread_id, 'thread_id');
    if (threadId === undefined) return undefined;
    const ns = namespaceOf(c.checkpoint_ns);
    const reply = await this.run('get', [threadId, ns, getCheckpointId(config)]);
    return reply ? this.toTuple(threadId, ns, reply as Reply[]) : undefined;
  }

  override async *list(
    config: RunnableConfig,
    options: CheckpointListOptions = {},
  ): AsyncGenerator<CheckpointTuple> {
    const c = config.configurable ?? {};
    const ns =
      c.checkpoint_ns === undefined || c.checkpoint_ns === null
        ? undefined
        : namespaceOf(c.checkpoint_ns);
    const only =
      typeof c.checkpoint_id === 'string' && c.checkpoint_id !== '' ? c.checkpoint_id : undefined;
    const before = options.before?.configurable?.checkpoint_id as string | undefined;
    const filter = Object.entries(options.filter ?? {}).filter(([, v]) => v !== undefined);
    let left = options.limit ?? Infinity;
    const threadId = idOf(c.thread_id, 'thread_id');
    const threads = threadId === undefined ? this.threadIdsNewestFirst() : single(threadId);
    for await (const thread of threads) {
      if (left <= 0) return;
      const members = await this.run('members', [thread, ns ?? '', ns === undefined ? '0' : '1']);
      const candidates = (members as Buffer[])
        .map((m) => splitMember(m.toString()))
        .filter(
          (m) => (only === undefined || m.id === only) && (before === undefined || m.id < before),
        )
        .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      for (const m of candidates) {
        if (left <= 0) return;
        if (filter.length > 0 && !(await this.metadataMatches(thread, m.member, filter))) continue;
        const reply = await this.run('get', [thread, m.ns, m.id]);
        if (!reply) continue; // pruned or deleted since the members were read
        left--;
        yield await this.toTuple(thread, m.ns, reply as Reply[]);
      }
    }
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    if (!config.configurable) throw new Error('Empty configuration supplied.');
    const threadId = requiredThreadId(config, 'put a checkpoint');
    const ns = namespaceOf(config.configurable.checkpoint_ns);
    const parent = getCheckpointId(config);
    const written = await this.write(
      threadId,
      ns,
      checkpoint.id,
      parent,
      await this.serialize(checkpoint, metadata, newVersions),
    );
    // The parent is gone from Redis (evicted, deleted, or Redis restarted empty): the values
    // this checkpoint carries over from it are gone with it, so write them all.
    if (!written) {
      const all = await this.serialize(checkpoint, metadata, checkpoint.channel_versions);
      await this.write(threadId, ns, checkpoint.id, parent, all, { complete: true });
    }
    return {
      configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id },
    };
  }

  override async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath?: string,
  ): Promise<void> {
    const threadId = requiredThreadId(config, 'put writes');
    const id = config.configurable?.checkpoint_id as string | undefined;
    if (!id) throw new Error('Failed to put writes: config.configurable has no "checkpoint_id".');
    const ns = namespaceOf(config.configurable?.checkpoint_ns);
    const args: (string | Buffer | number)[] = [threadId, ns, id, writes.length];
    for (const [idx, [channel, value]] of writes.entries()) {
      const index = WRITES_IDX_MAP[channel] ?? idx;
      const [type, bytes] = await this.serde.dumpsTyped(value);
      args.push(
        `${taskId}\0${index}`,
        index < 0 ? '1' : '0',
        pack([channel, type, taskPath ?? ''], bytes),
      );
    }
    await this.run('putWrites', args);
  }

  override async deleteThread(threadId: string): Promise<void> {
    await this.run('delete', [threadId]);
  }

  async listThreadIds(prefix?: string): Promise<string[]> {
    const ids =
      prefix === undefined || prefix === ''
        ? await this.run('threads', [0, -1])
        : await this.run('threadsByPrefix', [prefix, prefixEndBytes(prefix)]);
    return (ids as Buffer[]).map(String);
  }

  async trackThread(threadId: string, bucket: string, maxPerBucket: number): Promise<string[]> {
    const evicted = await this.run('track', [
      threadId,
      bucket,
      maxPerBucket,
      bucketSlack(maxPerBucket),
    ]);
    return (evicted as Buffer[]).map(String);
  }

  async seedNewThread(
    threadId: string,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    track?: { bucket: string; maxPerBucket: number },
  ): Promise<void> {
    let template = this.seedTemplates.get(checkpoint);
    if (!template) {
      const marked = { ...checkpoint, id: ID_MARK, ts: TS_MARK };
      // A new thread has no stored values: every channel is written with it.
      const s = await this.serialize(marked, metadata, checkpoint.channel_versions);
      template = { type: s.type, checkpoint: s.checkpoint, refs: s.refs, blobs: s.blobs };
      this.seedTemplates.set(checkpoint, template);
    }
    const [type, meta] = await this.serde.dumpsTyped(metadata);
    if (type !== template.type) throw new Error('checkpoint and metadata serialized differently');
    const id = uuid6(-1);
    const body = template.checkpoint
      .toString()
      .replace(ID_MARK, id)
      .replace(TS_MARK, new Date().toISOString());
    const seeded = { ...template, checkpoint: Buffer.from(body), metadata: asBuffer(meta) };
    await this.write(threadId, '', id, '', seeded, { complete: true, ...(track ? { track } : {}) });
  }

  /** The client belongs to the caller, who closes it; this saver only stops taking calls. */
  close(): void {
    this.closed = true;
  }

  private async serialize(
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<Serialized> {
    const { channel_values: values, ...rest } = copyCheckpoint(checkpoint);
    const refs = Object.entries(rest.channel_versions).map(([ch, v]) => ref(ch, v));
    const referenced = new Set(refs);
    const blobs: [string, Buffer][] = [];
    for (const [channel, version] of Object.entries(newVersions)) {
      const r = ref(channel, version);
      if (!(channel in values) || !referenced.has(r)) continue;
      const [type, bytes] = await this.serde.dumpsTyped(values[channel]);
      blobs.push([r, pack([type], bytes)]);
    }
    const [[type, body], [metadataType, meta]] = await Promise.all([
      this.serde.dumpsTyped(rest),
      this.serde.dumpsTyped(metadata),
    ]);
    if (type !== metadataType) throw new Error('checkpoint and metadata serialized differently');
    return { type, checkpoint: asBuffer(body), metadata: asBuffer(meta), refs, blobs };
  }

  private async write(
    threadId: string,
    ns: string,
    id: string,
    parent: string,
    s: Serialized,
    options: { complete?: boolean; track?: { bucket: string; maxPerBucket: number } } = {},
  ): Promise<string[] | undefined> {
    const { track } = options;
    const finite = (n: number) => (Number.isFinite(n) ? n : 0);
    const reply = await this.run('put', [
      threadId,
      ns,
      checkNamePart(id, 'checkpoint id'),
      parent,
      s.type,
      s.checkpoint,
      s.metadata,
      finite(this.keep),
      finite(this.maxThreads),
      Number.isFinite(this.maxThreads) ? sweepInterval(this.maxThreads) - 1 : 0,
      track?.bucket ?? '',
      track?.maxPerBucket ?? 0,
      track ? bucketSlack(track.maxPerBucket) : 0,
      options.complete ? '1' : '0',
      s.refs.length,
      ...s.refs,
      s.blobs.length,
      ...s.blobs.flat(),
    ]);
    const [ok, evicted] = reply as [number, Buffer[]];
    return ok === 1 ? evicted.map(String) : undefined;
  }

  private async toTuple(threadId: string, ns: string, reply: Reply[]): Promise<CheckpointTuple> {
    const [id, type, body, meta, parentId, blobs, writes] = reply as [
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer[],
      Buffer[],
    ];
    const checkpointId = id.toString();
    const parent = parentId.toString();
    const checkpoint = (await this.serde.loadsTyped(type.toString(), body)) as Checkpoint;
    checkpoint.channel_values = {};
    for (const [r, packed] of pairs(blobs)) {
      const { header, body: value } = unpack<[string]>(packed);
      const channel = r.toString().split('\0')[0]!;
      checkpoint.channel_values[channel] = await this.serde.loadsTyped(header[0], value);
    }
    if (checkpoint.v < 4 && parent !== '')
      await this.migratePendingSends(checkpoint, threadId, ns, parent);
    const tuple: CheckpointTuple = {
      config: {
        configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpointId },
      },
      checkpoint,
      metadata: (await this.serde.loadsTyped(type.toString(), meta)) as CheckpointMetadata,
      pendingWrites: await decodeWrites(this.serde, writes),
    };
    if (parent !== '') {
      tuple.parentConfig = {
        configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: parent },
      };
    }
    return tuple;
  }

  /** Checkpoints before v4 kept the parent's pending sends as a channel: rebuild it. */
  private async migratePendingSends(
    checkpoint: Checkpoint,
    threadId: string,
    ns: string,
    parentId: string,
  ): Promise<void> {
    const reply = (await this.run('get', [threadId, ns, parentId])) as Reply[] | null;
    const writes = reply ? await decodeWrites(this.serde, reply[6] as Buffer[]) : [];
    checkpoint.channel_values[TASKS] = writes.filter(([, c]) => c === TASKS).map(([, , v]) => v);
    const versions = Object.values(checkpoint.channel_versions);
    checkpoint.channel_versions[TASKS] =
      versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
  }

  private async metadataMatches(
    threadId: string,
    member: string,
    filter: [string, unknown][],
  ): Promise<boolean> {
    const [type, meta] = (await this.run('metadata', [threadId, member])) as (Buffer | null)[];
    if (!type || !meta) return false;
    const metadata = (await this.serde.loadsTyped(type.toString(), meta)) as Record<
      string,
      unknown
    >;
    return filter.every(([k, v]) => JSON.stringify(metadata[k]) === JSON.stringify(v));
  }

  /** Every thread id, newest first, a page at a time (ids that move while paging show once). */
  private async *threadIdsNewestFirst(): AsyncGenerator<string> {
    const seen = new Set<string>();
    for (let start = 0; ; start += THREAD_PAGE) {
      const page = (await this.run('threads', [start, start + THREAD_PAGE - 1])) as Buffer[];
      for (const id of page.map(String)) {
        if (!seen.has(id)) yield id;
        seen.add(id);
      }
      if (page.length < THREAD_PAGE) return;
    }
  }

  private run(name: ScriptName, args: (string | Buffer | number)[]): Promise<Reply> {
    if (this.closed) return Promise.reject(new Error('The Redis checkpointer is closed.'));
    return runScript(this.client, name, [this.prefix, ...args]);
  }
}
