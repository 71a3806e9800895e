/**
 * The Lua scripts of the Redis checkpointer (redis-saver.ts). Every read and write of the store
 * is one script, so each is atomic: two instances writing the same thread never leave it half
 * written, and a reader never sees a checkpoint without its blobs or writes.
 *
 * Key layout (P is the key prefix, e.g. "landuse:"; T is `t:<byte length of id>:<thread id>:`,
 * which no other thread id can produce; a member M is `<checkpoint ns>\0<checkpoint id>`):
 *
 *   P clock            string  the last recency stamp (microseconds of the server's clock)
 *   P threads          zset    thread id -> stamp of its last write (newest first when listing)
 *   P names            zset    thread id, all scores 0: ordered by id, for prefix listing
 *   P bucket-of        hash    thread id -> the bucket it counts against (trackThread)
 *   P b:<bucket>       zset    thread id -> stamp of its last use in that bucket
 *   P T cps            zset    M, all scores 0: a thread's checkpoints by namespace, then id
 *   P T h              hash    per checkpoint: c:M checkpoint (no channel values), m:M metadata,
 *                              t:M serializer type, p:M parent id, v:M the channel versions it
 *                              reads ("channel\0version" joined by \1); per channel version:
 *                              b:<ns>\0<channel>\0<version> the value, r:... its reference count
 *   P T w              zset    M of every checkpoint with pending writes
 *   P T w:M            hash    "<task id>\0<idx>" -> a packed write (see redis-codec.ts)
 *
 * Keys are built inside the scripts (no KEYS arguments), so this store needs one Redis server
 * (standalone or behind Sentinel), not a Redis Cluster.
 */

/** Shared by every script: ARGV[1] is always the key prefix. */
const PRELUDE = `
local P = ARGV[1]
local function tbase(tid) return P .. 't:' .. #tid .. ':' .. tid .. ':' end
-- A stamp from the server's clock, strictly increasing across all instances.
local function stamp()
  local t = redis.call('TIME')
  local us = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local last = tonumber(redis.call('GET', P .. 'clock') or '0')
  if us <= last then us = last + 1 end
  local s = string.format('%.0f', us)
  redis.call('SET', P .. 'clock', s)
  return s
end
local function release(h, ns, joined)
  if not joined or joined == '' then return end
  for r in string.gmatch(joined, '[^\\1]+') do
    local f = ns .. '\\0' .. r
    if redis.call('HINCRBY', h, 'r:' .. f, -1) <= 0 then redis.call('HDEL', h, 'r:' .. f, 'b:' .. f) end
  end
end
local function drop(tid)
  local b = tbase(tid)
  for _, m in ipairs(redis.call('ZRANGE', b .. 'w', 0, -1)) do redis.call('DEL', b .. 'w:' .. m) end
  redis.call('DEL', b .. 'cps', b .. 'h', b .. 'w')
  redis.call('ZREM', P .. 'threads', tid)
  redis.call('ZREM', P .. 'names', tid)
  local bucket = redis.call('HGET', P .. 'bucket-of', tid)
  if bucket then
    redis.call('ZREM', P .. 'b:' .. bucket, tid)
    redis.call('HDEL', P .. 'bucket-of', tid)
  end
end
local function track(tid, bucket, max, slack, t)
  redis.call('HSETNX', P .. 'bucket-of', tid, bucket)
  local z = P .. 'b:' .. redis.call('HGET', P .. 'bucket-of', tid)
  redis.call('ZADD', z, t, tid)
  local n = redis.call('ZCARD', z)
  if n <= max + slack then return {} end
  local stale = redis.call('ZRANGE', z, 0, n - max - 1)
  for _, s in ipairs(stale) do drop(s) end
  return stale
end
`;

/**
 * put: ARGV P, thread, ns, id, parent ('' for none), type, checkpoint, metadata, keep (0 keeps
 * all), maxThreads (0: no bound), thread slack, bucket ('' for none), bucket bound, bucket slack,
 * complete ('1' when every channel's value is sent), the count of version references, the
 * references, the count of blobs, then (reference, value) pairs.
 * Returns [1, thread ids it deleted (bucket and thread bounds)], or [0] without writing when the
 * parent is not stored (the thread was evicted, deleted, or Redis restarted empty) and not every
 * value was sent: the values carried over from the parent would be missing, so send them all.
 */
const PUT = `
local tid, ns, id, parent, typ = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local keep, maxThreads, threadSlack = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local bucket, maxPerBucket, bucketSlack = ARGV[12], tonumber(ARGV[13]), tonumber(ARGV[14])
local b = tbase(tid)
local h, cps = b .. 'h', b .. 'cps'
local m = ns .. '\\0' .. id
if ARGV[15] ~= '1' and parent ~= '' and not redis.call('ZSCORE', cps, ns .. '\\0' .. parent) then
  return {0, {}}
end
local refs = {}
local i = 17
for k = 1, tonumber(ARGV[16]) do refs[k] = ARGV[i]; i = i + 1 end
local nBlobs = tonumber(ARGV[i]); i = i + 1
-- Putting a checkpoint again replaces it: first give back what the old one referenced.
if redis.call('ZSCORE', cps, m) then release(h, ns, redis.call('HGET', h, 'v:' .. m)) end
for k = 1, nBlobs do
  redis.call('HSET', h, 'b:' .. ns .. '\\0' .. ARGV[i], ARGV[i + 1])
  i = i + 2
end
for _, r in ipairs(refs) do redis.call('HINCRBY', h, 'r:' .. ns .. '\\0' .. r, 1) end
redis.call('HSET', h, 'c:' .. m, ARGV[7], 'm:' .. m, ARGV[8], 't:' .. m, typ, 'p:' .. m, parent,
  'v:' .. m, table.concat(refs, '\\1'))
redis.call('ZADD', cps, 0, m)
local t = stamp()
redis.call('ZADD', P .. 'threads', t, tid)
redis.call('ZADD', P .. 'names', 0, tid)
if keep > 0 then
  local lo, hi = '[' .. ns .. '\\0', '(' .. ns .. '\\1'
  local n = redis.call('ZLEXCOUNT', cps, lo, hi)
  if n > keep then
    for _, old in ipairs(redis.call('ZRANGEBYLEX', cps, lo, hi, 'LIMIT', 0, n - keep)) do
      release(h, ns, redis.call('HGET', h, 'v:' .. old))
      redis.call('HDEL', h, 'c:' .. old, 'm:' .. old, 't:' .. old, 'p:' .. old, 'v:' .. old)
      redis.call('ZREM', cps, old)
    end
    -- The writes of every checkpoint older than the oldest kept go too.
    local oldest = redis.call('ZRANGEBYLEX', cps, lo, hi, 'LIMIT', 0, 1)[1]
    for _, w in ipairs(redis.call('ZRANGEBYLEX', b .. 'w', lo, '(' .. oldest)) do
      redis.call('DEL', b .. 'w:' .. w)
      redis.call('ZREM', b .. 'w', w)
    end
  end
end
local evicted = {}
if bucket ~= '' then evicted = track(tid, bucket, maxPerBucket, bucketSlack, t) end
if maxThreads > 0 then
  local n = redis.call('ZCARD', P .. 'threads')
  if n > maxThreads + threadSlack then
    for _, s in ipairs(redis.call('ZRANGE', P .. 'threads', 0, n - maxThreads - 1)) do
      drop(s)
      table.insert(evicted, s)
    end
  end
end
return {1, evicted}
`;

/**
 * putWrites: ARGV P, thread, ns, checkpoint id, count, then (field, '1' to replace or '0' to
 * keep an existing write, packed value) triples, as the official savers do: a task's regular
 * writes are stored once, its special ones (errors, interrupts...) replace the previous.
 */
const PUT_WRITES = `
local tid, ns, id = ARGV[2], ARGV[3], ARGV[4]
local b = tbase(tid)
local m = ns .. '\\0' .. id
local key = b .. 'w:' .. m
local i = 6
for k = 1, tonumber(ARGV[5]) do
  if ARGV[i + 1] == '1' then redis.call('HSET', key, ARGV[i], ARGV[i + 2])
  else redis.call('HSETNX', key, ARGV[i], ARGV[i + 2]) end
  i = i + 3
end
redis.call('ZADD', b .. 'w', 0, m)
-- Writes to a thread not (or no longer) indexed: index it, so that the bounds can find it.
if not redis.call('ZSCORE', P .. 'threads', tid) then
  redis.call('ZADD', P .. 'threads', stamp(), tid)
  redis.call('ZADD', P .. 'names', 0, tid)
end
return 1
`;

/**
 * getTuple: ARGV P, thread, ns, id ('' for the newest in ns). Returns nil or
 * [id, type, checkpoint, metadata, parent, [reference, value, ...], [field, write, ...]].
 */
const GET = `
local b, ns, id = tbase(ARGV[2]), ARGV[3], ARGV[4]
local m
if id == '' then
  m = redis.call('ZREVRANGEBYLEX', b .. 'cps', '(' .. ns .. '\\1', '[' .. ns .. '\\0', 'LIMIT', 0, 1)[1]
  if not m then return false end
  id = string.sub(m, #ns + 2)
else
  m = ns .. '\\0' .. id
end
local h = b .. 'h'
local f = redis.call('HMGET', h, 'c:' .. m, 'm:' .. m, 't:' .. m, 'p:' .. m, 'v:' .. m)
if not f[1] then return false end
local blobs = {}
if f[5] and f[5] ~= '' then
  for r in string.gmatch(f[5], '[^\\1]+') do
    local v = redis.call('HGET', h, 'b:' .. ns .. '\\0' .. r)
    if v then
      table.insert(blobs, r)
      table.insert(blobs, v)
    end
  end
end
return {id, f[3], f[1], f[2], f[4] or '', blobs, redis.call('HGETALL', b .. 'w:' .. m)}
`;

/** members: ARGV P, thread, ns ('' and ARGV[4] = '0' for every namespace). Members M by M. */
const MEMBERS = `
local cps = tbase(ARGV[2]) .. 'cps'
if ARGV[4] == '0' then return redis.call('ZRANGE', cps, 0, -1) end
return redis.call('ZRANGEBYLEX', cps, '[' .. ARGV[3] .. '\\0', '(' .. ARGV[3] .. '\\1')
`;

/** metadata: ARGV P, thread, M. [type, metadata], to filter before reading the rest. */
const METADATA = `return redis.call('HMGET', tbase(ARGV[2]) .. 'h', 't:' .. ARGV[3], 'm:' .. ARGV[3])`;

/** threads: ARGV P, start, stop. Thread ids, newest first (a page of them). */
const THREADS = `return redis.call('ZRANGE', P .. 'threads', ARGV[2], ARGV[3], 'REV')`;

/**
 * threadsByPrefix: ARGV P, prefix, the least string after every string with the prefix ('' for
 * none). Those thread ids, newest first; reads only that prefix's range of the names.
 */
const THREADS_BY_PREFIX = `
local hi = ARGV[3] == '' and '+' or ('(' .. ARGV[3])
local ids = redis.call('ZRANGEBYLEX', P .. 'names', '[' .. ARGV[2], hi)
local scored = {}
for _, id in ipairs(ids) do
  local s = redis.call('ZSCORE', P .. 'threads', id)
  if s then table.insert(scored, {id, tonumber(s)}) end
end
table.sort(scored, function(a, c) return a[2] > c[2] end)
local out = {}
for k, e in ipairs(scored) do out[k] = e[1] end
return out
`;

/** deleteThread: ARGV P, thread. */
const DELETE = `drop(ARGV[2]) return 1`;

/** trackThread: ARGV P, thread, bucket, bound, slack. Returns the thread ids it deleted. */
const TRACK = `return track(ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), stamp())`;

export const SCRIPTS = {
  put: PRELUDE + PUT,
  putWrites: PRELUDE + PUT_WRITES,
  get: PRELUDE + GET,
  members: PRELUDE + MEMBERS,
  metadata: PRELUDE + METADATA,
  threads: PRELUDE + THREADS,
  threadsByPrefix: PRELUDE + THREADS_BY_PREFIX,
  delete: PRELUDE + DELETE,
  track: PRELUDE + TRACK,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
