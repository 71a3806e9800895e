/**
 * The server's memory and CPU over a run, from its Prometheus metrics (prom-client's default
 * process metrics): resident memory, and CPU time turned into a share of one core.
 */

/** One reading of /metrics. */
export interface ServerSample {
  /** Milliseconds (performance.now()). */
  at: number;
  rssBytes: number;
  /** The largest one process (a cluster's busiest worker; the server itself otherwise). */
  processRssBytes: number;
  cpuSeconds: number;
}

export interface ServerStats {
  samples: number;
  /** All the server's processes together (a cluster's workers summed). */
  memoryMb: { start: number; max: number; end: number };
  /** The largest single process at any reading (what a per-process limit is judged on). */
  processMemoryMb: { max: number };
  /** 100 = one core busy all the time; null with fewer than two samples. */
  cpuPercent: { avg: number; max: number } | null;
}

/**
 * The value of a metric in Prometheus text, summed over its series (a cluster's workers each
 * have one); undefined when the text has none.
 */
export function metricValue(text: string, name: string): number | undefined {
  return metricValues(text, name)?.reduce((a, b) => a + b, 0);
}

/** The value of each series of a metric in Prometheus text; undefined when the text has none. */
export function metricValues(text: string, name: string): number[] | undefined {
  let values: number[] | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const fields = (rest[0] === '{' ? rest.slice(labelsEnd(rest) + 1) : rest).trim().split(/\s+/);
    const value = Number(fields[0]);
    if (Number.isFinite(value)) (values ??= []).push(value);
  }
  return values;
}

/** The index of the `}` closing the labels that `text` starts with (quoted values may hold one). */
function labelsEnd(text: string): number {
  let quoted = false;
  for (let i = 1; i < text.length; i += 1) {
    const c = text[i];
    if (quoted && c === '\\') i += 1;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '}') return i;
  }
  return text.length;
}

/** A sample from a /metrics text, or undefined when it lacks the process metrics. */
export function sampleOf(text: string, at: number): ServerSample | undefined {
  const rssBytes = metricValue(text, 'process_resident_memory_bytes');
  const cpuSeconds = metricValue(text, 'process_cpu_seconds_total');
  if (rssBytes === undefined || cpuSeconds === undefined) return undefined;
  const workers = metricValues(text, 'landuse_cluster_worker_resident_memory_bytes');
  const processRssBytes = workers ? Math.max(...workers) : rssBytes;
  return { at, rssBytes, processRssBytes, cpuSeconds };
}

/** Memory at the start, the highest and at the end; CPU over the run and its busiest interval. */
export function serverStats(samples: readonly ServerSample[]): ServerStats | null {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last) return null;
  const mb = (b: number) => b / (1024 * 1024);
  const share = (a: ServerSample, b: ServerSample) =>
    b.at > a.at ? (Math.max(0, b.cpuSeconds - a.cpuSeconds) / ((b.at - a.at) / 1000)) * 100 : 0;
  let max = 0;
  for (let i = 1; i < samples.length; i += 1)
    max = Math.max(max, share(samples[i - 1]!, samples[i]!));
  return {
    samples: samples.length,
    memoryMb: {
      start: mb(first.rssBytes),
      max: mb(Math.max(...samples.map((s) => s.rssBytes))),
      end: mb(last.rssBytes),
    },
    processMemoryMb: { max: mb(Math.max(...samples.map((s) => s.processRssBytes))) },
    cpuPercent: samples.length > 1 ? { avg: share(first, last), max } : null,
  };
}

/**
 * Reads /metrics every `intervalMs` until stopped. A failed read is skipped: the figures come
 * from the readings that worked (none: no server figures in the report).
 */
export function sampleServer(
  read: () => Promise<string | undefined>,
  intervalMs = 1000,
): { stop(): Promise<ServerSample[]> } {
  const samples: ServerSample[] = [];
  let pending: Promise<void> = Promise.resolve();
  const take = () => {
    pending = pending.then(async () => {
      const at = performance.now();
      const text = await read().catch(() => undefined);
      const sample = text === undefined ? undefined : sampleOf(text, at);
      if (sample) samples.push(sample);
    });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      take();
      await pending;
      return samples;
    },
  };
}
