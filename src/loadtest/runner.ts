import { setTimeout as wait } from 'node:timers/promises';
import { LatencyHistogram, type LatencySummary } from './histogram.ts';
import { REQUEST_KINDS, seededRandom, type Mix, type RequestKind } from './mixes.ts';
import { sampleServer, serverStats, type ServerStats } from './server-stats.ts';
import { userAddress, type Target, type UserSession } from './targets.ts';

export interface LevelSettings {
  users: number;
  /** Users start one after another over this many seconds (0: all at once). */
  rampUpSeconds: number;
  /** Stop starting requests after this many seconds from the start (ramp-up included). */
  durationSeconds?: number;
  /** Stop after this many requests in all. */
  requests?: number;
  /** A user waits about this long between an answer and its next request (0.5x to 1.5x). */
  thinkMs: number;
  /** Milliseconds between readings of the server's /metrics. */
  sampleMs?: number;
}

/** What the live progress line shows. */
export interface LiveFigures {
  users: number;
  elapsedSeconds: number;
  /** The planned length in seconds, when the run has one. */
  durationSeconds?: number;
  done: number;
  failed: number;
  /** The planned request count, when the run has one. */
  requests?: number;
  requestsPerSecond: number;
  p95Ms: number;
}

export interface LevelResult {
  users: number;
  elapsedSeconds: number;
  requests: { total: number; succeeded: number; failed: number };
  errorRate: number;
  requestsPerSecond: number;
  /** Of the successful requests. */
  latencyMs: LatencySummary;
  byKind: Partial<
    Record<RequestKind, { total: number; failed: number; latencyMs: LatencySummary }>
  >;
  /** Failures by kind, most frequent first. */
  errors: { kind: string; count: number }[];
  /** Answers that came from the answer cache. */
  cacheHits: number;
  /** How often each tool was called by the answers. */
  tools: Record<string, number>;
  /** The server's memory and CPU during the run (null when /metrics could not be read). */
  server: ServerStats | null;
  /** The run was stopped early (Ctrl-C). */
  interrupted: boolean;
}

/** Waits `ms`, or less when `signal` fires (never rejects). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return wait(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * One load level: `users` virtual users, started evenly over the ramp-up, each sending the
 * requests its mix gives it one after another (with think time between), until the duration
 * is over or the request count is reached; requests under way then are waited for and counted.
 * Each user keeps its owner cookie and its current thread, so follow-ups continue its own
 * conversation. The server's /metrics is read once a second meanwhile.
 */
export async function runLevel(
  target: Target,
  mix: Mix,
  settings: LevelSettings,
  options: { onTick?: (live: LiveFigures) => void; stop?: AbortSignal } = {},
): Promise<LevelResult> {
  const all = new LatencyHistogram();
  const kinds = new Map<
    RequestKind,
    { total: number; failed: number; histogram: LatencyHistogram }
  >();
  const errors = new Map<string, number>();
  const tools = new Map<string, number>();
  let done = 0;
  let failed = 0;
  let cacheHits = 0;
  let tickets = settings.requests ?? Number.POSITIVE_INFINITY;

  const ended = new AbortController();
  const stopNow = () => ended.abort();
  options.stop?.addEventListener('abort', stopNow, { once: true });
  const start = performance.now();
  const deadline =
    settings.durationSeconds === undefined
      ? Number.POSITIVE_INFINITY
      : start + settings.durationSeconds * 1000;
  const deadlineTimer =
    deadline === Number.POSITIVE_INFINITY
      ? undefined
      : setTimeout(stopNow, Math.max(0, deadline - start));
  const live = (): LiveFigures => {
    const elapsedSeconds = (performance.now() - start) / 1000;
    return {
      users: settings.users,
      elapsedSeconds,
      ...(settings.durationSeconds === undefined
        ? {}
        : { durationSeconds: settings.durationSeconds }),
      done,
      failed,
      ...(settings.requests === undefined ? {} : { requests: settings.requests }),
      requestsPerSecond: elapsedSeconds > 0 ? done / elapsedSeconds : 0,
      p95Ms: all.percentile(95),
    };
  };
  const ticker = options.onTick ? setInterval(() => options.onTick?.(live()), 250) : undefined;
  const sampler = sampleServer(() => target.metrics(), settings.sampleMs ?? 1000);

  const user = async (index: number) => {
    const signal = ended.signal;
    await sleep((index * settings.rampUpSeconds * 1000) / settings.users, signal);
    const next = mix.forUser(index);
    const random = seededRandom(index + 1);
    const session: UserSession = { address: userAddress(index + 1) };
    while (!signal.aborted && tickets > 0) {
      tickets -= 1;
      const request = next();
      const began = performance.now();
      const outcome = await target.send(request, session).catch((error: unknown) => ({
        ok: false as const,
        error: `client ${error instanceof Error ? error.message : String(error)}`,
      }));
      const ms = performance.now() - began;
      let kind = kinds.get(request.kind);
      if (!kind) {
        kind = { total: 0, failed: 0, histogram: new LatencyHistogram() };
        kinds.set(request.kind, kind);
      }
      kind.total += 1;
      done += 1;
      if (outcome.ok) {
        all.record(ms);
        kind.histogram.record(ms);
        if ('cached' in outcome && outcome.cached) cacheHits += 1;
        if ('threadId' in outcome && outcome.threadId) session.threadId = outcome.threadId;
        for (const t of ('tools' in outcome ? outcome.tools : undefined) ?? []) {
          tools.set(t, (tools.get(t) ?? 0) + 1);
        }
      } else {
        failed += 1;
        kind.failed += 1;
        const what = outcome.error ?? 'unknown';
        errors.set(what, (errors.get(what) ?? 0) + 1);
      }
      if (settings.thinkMs > 0) await sleep(settings.thinkMs * (0.5 + random()), signal);
    }
  };

  try {
    await Promise.all(Array.from({ length: settings.users }, (_, i) => user(i)));
  } finally {
    if (deadlineTimer) clearTimeout(deadlineTimer);
    if (ticker) clearInterval(ticker);
    options.stop?.removeEventListener('abort', stopNow);
  }
  const elapsedSeconds = (performance.now() - start) / 1000;
  const server = serverStats(await sampler.stop());
  options.onTick?.(live());

  const byKind: LevelResult['byKind'] = {};
  for (const k of REQUEST_KINDS) {
    const v = kinds.get(k);
    if (v) byKind[k] = { total: v.total, failed: v.failed, latencyMs: v.histogram.summary() };
  }
  return {
    users: settings.users,
    elapsedSeconds,
    requests: { total: done, succeeded: done - failed, failed },
    errorRate: done === 0 ? 1 : failed / done,
    requestsPerSecond: elapsedSeconds > 0 ? done / elapsedSeconds : 0,
    latencyMs: all.summary(),
    byKind,
    errors: [...errors].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count),
    cacheHits,
    tools: Object.fromEntries([...tools].sort((a, b) => b[1] - a[1])),
    server,
    interrupted: options.stop?.aborted ?? false,
  };
}
