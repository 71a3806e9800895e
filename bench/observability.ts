/**
 * What observability costs: the development questions through the real app (in process, POST
 * /api/ask by inject, offline planner, full-size demo database), each asked twice in a row, once
 * with the per-request instrumentation on (collector, Prometheus metrics, window) and once off
 * (setInstrumentation(false)), in alternating order, so that drift in the machine's speed falls
 * on both alike. Two cases: the agent runs every question (no result or answer cache), and
 * answers come from the answer cache (the cheapest request the server answers). Also timed: one
 * snapshot-and-alerts tick (with its SQLite write), and one /metrics exposition.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { machine, writeResults, type Machine } from './results-files.ts';
import { createCheckpointer } from '../src/agent/index.ts';
import { loadQuestionSet } from '../src/agent/eval.ts';
import { openAnalytics } from '../src/analytics/open.ts';
import type { Config } from '../src/config/index.ts';
import {
  Collector,
  currentMetrics,
  Observability,
  recordCacheLookup,
  recordModelCall,
  recordToolCall,
  runWithCollector,
  setInstrumentation,
  withOperation,
} from '../src/observability/index.ts';
import { recordDbQuery } from '../src/observability/collector.ts';
import { buildApp, openServerDeps } from '../src/server/index.ts';

interface CaseResult {
  name: string;
  description: string;
  pairs: number;
  offMs: { p50: number; p95: number; mean: number };
  onMs: { p50: number; p95: number; mean: number };
  /** Median over the pairs of (on - off) / off. */
  medianOverhead: number;
  /** sum(on) / sum(off) - 1. */
  totalOverhead: number;
  /** The median of (on - off), milliseconds. */
  medianExtraMs: number;
  /** A 95 % interval for medianOverhead (bootstrap over the pairs). */
  medianOverheadCi95: [number, number];
}

export interface ObservabilityBenchmark {
  date: string;
  machine: Machine;
  /** The machine's load average (1, 5, 15 min) when the run ended: other work skews the pairs. */
  loadAverage: number[];
  questions: number;
  rounds: number;
  cases: CaseResult[];
  /**
   * The instrumentation's own work for one request, in a tight loop without I/O (what the
   * collector, the metrics and the window do for a request like each case's): microseconds.
   */
  work: { answerCacheUs: number; agentUs: number };
  tick: { meanMs: number; p95Ms: number; intervalSeconds: number; shareOfOneCore: number };
  scrape: { meanMs: number; bytes: number; intervalSeconds: number; shareOfOneCore: number };
  target: number;
}

/** A 95 % interval of the median by resampling (a fixed seed: the same pairs, the same interval). */
function bootstrapMedian(xs: number[]): [number, number] {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const medians: number[] = [];
  for (let b = 0; b < 2000; b++) {
    const sample = xs.map(() => xs[Math.floor(random() * xs.length)]!);
    medians.push(quantile(sample, 0.5));
  }
  return [quantile(medians, 0.025), quantile(medians, 0.975)];
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const summary = (xs: number[]) => ({
  p50: quantile(xs, 0.5),
  p95: quantile(xs, 0.95),
  mean: mean(xs),
});

export async function runObservabilityBenchmark(
  config: Config,
  options: { db: string; set: string; rounds: number },
  progress: (fraction: number, stage: string) => void,
): Promise<ObservabilityBenchmark> {
  const questions = loadQuestionSet(options.set).map((q) => q.question);
  const scratch = await mkdtemp(join(os.tmpdir(), 'landuse-bench-obs-'));
  try {
    const cases: CaseResult[] = [];
    let tick: ObservabilityBenchmark['tick'] | undefined;
    let scrape: ObservabilityBenchmark['scrape'] | undefined;
    for (const [index, cached] of [false, true].entries()) {
      const service = await openAnalytics(config, { path: options.db, cache: cached });
      const checkpointer = createCheckpointer({ kind: 'memory', maxThreads: 100_000 });
      const deps = await openServerDeps(
        { ...config, dbPath: options.db, apiRateLimit: 0, apiDailyQuota: 0 },
        { service, checkpointer, historyPath: join(scratch, `metrics-${index}.sqlite`) },
      );
      const app = await buildApp(deps, { logger: false });
      await app.ready();
      // As startServer does: the memory sampler and the snapshot timer run.
      deps.observability.start();
      const ask = async (question: string) => {
        const t0 = performance.now();
        const res = await app.inject({
          method: 'POST',
          url: '/api/ask',
          payload: { question, provider: 'offline' },
        });
        const ms = performance.now() - t0;
        if (res.statusCode !== 200) throw new Error(`${question}: HTTP ${res.statusCode}`);
        return ms;
      };
      try {
        // Warm: JIT, prepared statements, and (cached case) every answer in the cache.
        for (const q of questions) await ask(q);
        const on: number[] = [];
        const off: number[] = [];
        const ratios: number[] = [];
        const extras: number[] = [];
        for (let r = 0; r < options.rounds; r++) {
          for (const [i, q] of questions.entries()) {
            progress(
              (index + (r * questions.length + i) / (options.rounds * questions.length)) / 2.2,
              cached ? 'answers from the cache' : 'the agent runs every question',
            );
            const onFirst = (r + i) % 2 === 0;
            const timed: Record<'on' | 'off', number> = { on: 0, off: 0 };
            for (const mode of onFirst ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
              setInstrumentation(mode === 'on');
              timed[mode] = await ask(q);
            }
            setInstrumentation(true);
            on.push(timed.on);
            off.push(timed.off);
            ratios.push((timed.on - timed.off) / timed.off);
            extras.push(timed.on - timed.off);
          }
        }
        cases.push({
          name: cached ? 'answer cache' : 'agent',
          description: cached
            ? 'Every answer from the answer cache (the result cache on, as the server runs after the first time a question is asked): the cheapest request, where a fixed cost weighs most.'
            : 'The offline planner, LangGraph, the tools and DuckDB run every question (no result or answer cache).',
          pairs: on.length,
          offMs: summary(off),
          onMs: summary(on),
          medianOverhead: quantile(ratios, 0.5),
          totalOverhead: on.reduce((a, b) => a + b, 0) / off.reduce((a, b) => a + b, 0) - 1,
          medianExtraMs: quantile(extras, 0.5),
          medianOverheadCi95: bootstrapMedian(ratios),
        });
        if (cached) {
          progress(0.95, 'ticks and scrapes');
          const ticks: number[] = [];
          for (let i = 0; i < 200; i++) {
            const t0 = performance.now();
            deps.observability.tick();
            ticks.push(performance.now() - t0);
          }
          const interval = config.metricsIntervalSeconds;
          tick = {
            meanMs: mean(ticks),
            p95Ms: quantile(ticks, 0.95),
            intervalSeconds: interval,
            shareOfOneCore: mean(ticks) / (interval * 1000),
          };
          const scrapes: number[] = [];
          let bytes = 0;
          for (let i = 0; i < 50; i++) {
            const t0 = performance.now();
            const res = await app.inject('/metrics');
            scrapes.push(performance.now() - t0);
            bytes = res.body.length;
          }
          // Prometheus' default in deploy/prometheus/prometheus.yml.
          scrape = {
            meanMs: mean(scrapes),
            bytes,
            intervalSeconds: 15,
            shareOfOneCore: mean(scrapes) / 15_000,
          };
        }
      } finally {
        setInstrumentation(true);
        await app.close();
        await deps.close();
        checkpointer.close();
        await service.close();
      }
    }
    progress(1, 'done');
    const work = instrumentationWork(config);
    return {
      date: new Date().toISOString(),
      machine: machine(),
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      questions: questions.length,
      rounds: options.rounds,
      cases,
      work,
      tick: tick!,
      scrape: scrape!,
      target: 0.02,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * What the instrumentation does for one request, repeated in a loop: an answer-cache hit (one
 * cache lookup, the answer's metrics) and an agent question (lookups, two queries, a tool, two
 * model calls). The request itself is not run: this is the instrumentation's share alone.
 */
function instrumentationWork(config: Config): ObservabilityBenchmark['work'] {
  const obs = new Observability({ config });
  // As on a server: memory is read by the sampler, not per request.
  obs.start();
  const request = (agent: boolean) => {
    const c = new Collector(obs.metrics, 'bench', '/api/ask');
    obs.requestStarted();
    runWithCollector(c, () => {
      c.provider = 'offline';
      recordCacheLookup('l1', 'ask:0123456789abcdef', !agent);
      if (agent) {
        recordModelCall({
          provider: 'offline',
          model: 'offline-planner',
          durationMs: 1,
          inputTokens: 0,
          outputTokens: 0,
        });
        withOperation('query_forest_change', () => {
          recordCacheLookup('l1', 'r:0123456789abcdef', false);
          recordCacheLookup('l1', 'q:0123456789abcdef', false);
          recordDbQuery(3, 12, 'ok');
          recordCacheLookup('l1', 'q:fedcba9876543210', false);
          recordDbQuery(2, 5, 'ok');
          recordToolCall('query_forest_change', 6, true);
        });
        recordModelCall({
          provider: 'offline',
          model: 'offline-planner',
          durationMs: 1,
          inputTokens: 0,
          outputTokens: 0,
        });
      }
      return currentMetrics();
    });
    obs.requestEnded({
      route: '/api/ask',
      method: 'POST',
      provider: 'offline',
      outcome: 'ok',
      seconds: 0.001,
      collector: c,
    });
  };
  const time = (agent: boolean) => {
    for (let i = 0; i < 2000; i++) request(agent);
    const n = 20_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) request(agent);
    return ((performance.now() - t0) / n) * 1000;
  };
  try {
    return { answerCacheUs: time(false), agentUs: time(true) };
  } finally {
    void obs.close();
  }
}

export function observabilityBenchmarkMarkdown(b: ObservabilityBenchmark): string {
  const ms = (v: number) => v.toFixed(2);
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  const verdict = (c: CaseResult) =>
    c.medianOverhead <= b.target ? 'met (median)' : '**MISSED** (median)';
  return `${[
    '# Observability overhead benchmark',
    '',
    `${b.date.slice(0, 10)} on ${b.machine.cpus} cores (${b.machine.cpuModel}), Node ${b.machine.node}, load average ${b.loadAverage.join(' / ')} at the end (the machine is shared: the pairs absorb slow drift, not bursts). The ${b.questions} development questions, ${b.rounds} rounds, each asked as POST /api/ask (in process, offline planner, full-size demo database) twice in a row: instrumentation on (the per-request collector, Prometheus metrics and the alert window) and off, in alternating order. Reproduce with \`npm run bench -- observability\`.`,
    '',
    '| case | pairs | off p50 / p95 (ms) | on p50 / p95 (ms) | median extra (ms) | median overhead (95 % CI) | overall overhead | target 2 % |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...b.cases.map(
      (c) =>
        `| ${c.name} | ${c.pairs} | ${ms(c.offMs.p50)} / ${ms(c.offMs.p95)} | ${ms(c.onMs.p50)} / ${ms(c.onMs.p95)} | ${ms(c.medianExtraMs)} | ${pct(c.medianOverhead)} (${pct(c.medianOverheadCi95[0])} to ${pct(c.medianOverheadCi95[1])}) | ${pct(c.totalOverhead)} | ${verdict(c)} |`,
    ),
    '',
    ...b.cases.map((c) => `- ${c.name}: ${c.description}`),
    '',
    `The instrumentation's own work for one request, repeated in a loop without the request (so without the machine's noise around it): ${b.work.answerCacheUs.toFixed(1)} µs for an answer-cache hit, ${b.work.agentUs.toFixed(1)} µs for an agent question, that is ${pct(b.work.answerCacheUs / 1000 / b.cases[1]!.offMs.p50)} and ${pct(b.work.agentUs / 1000 / b.cases[0]!.offMs.p50)} of their median times above.`,
    '',
    `Besides each request: one snapshot-and-alerts tick (window, alerts, a SQLite write) takes ${ms(b.tick.meanMs)} ms on average (p95 ${ms(b.tick.p95Ms)} ms), every ${b.tick.intervalSeconds} s: ${pct(b.tick.shareOfOneCore)} of one core. One /metrics exposition (${(b.scrape.bytes / 1024).toFixed(0)} KiB) takes ${ms(b.scrape.meanMs)} ms; scraped every ${b.scrape.intervalSeconds} s that is ${pct(b.scrape.shareOfOneCore)} of one core. The request log line is not in these figures (logging is off in both modes).`,
  ].join('\n')}\n`;
}

export function writeObservabilityBenchmark(
  b: ObservabilityBenchmark,
  out: string,
): Promise<string[]> {
  return writeResults(out, 'observability', b, observabilityBenchmarkMarkdown(b));
}
