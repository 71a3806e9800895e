/**
 * The offline agent benchmark: every question of the development set asked end to end in
 * process (planner, LangGraph, tools, DuckDB, narration) on the full-size demo database.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { loadQuestionSet } from '../src/agent/eval.ts';
import { answerQuestion, createOfflineAgent } from '../src/agent/index.ts';
import { openAnalytics } from '../src/analytics/open.ts';
import type { Config } from '../src/config.ts';

export interface AskBenchmark {
  date: string;
  machine: { cpus: number; cpuModel: string; node: string };
  questions: number;
  rounds: number;
  uncached: { p50: number; p95: number; p99: number; max: number };
  cached: { p50: number; p95: number; p99: number; max: number };
  target: { p95Ms: number };
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: s.at(-1)! };
}

export async function runAskBenchmark(
  config: Config,
  options: { db: string; set: string; rounds: number },
  progress: (fraction: number, stage: string) => void,
): Promise<AskBenchmark> {
  const questions = loadQuestionSet(options.set).map((q) => q.question);
  const measure = async (cache: boolean, label: string, offset: number) => {
    const service = await openAnalytics(config, { path: options.db, cache });
    const agent = createOfflineAgent(service, {
      maxIterations: 8,
      maxRows: 1000,
      enableSql: false,
    });
    const times: number[] = [];
    try {
      await answerQuestion({
        agent,
        question: questions[0]!,
        provider: 'offline',
        dataset: service.ctx.dataset,
        timeoutMs: 30_000,
      });
      for (let r = 0; r < options.rounds; r++) {
        for (const [i, question] of questions.entries()) {
          progress(
            offset + (r * questions.length + i) / (2 * options.rounds * questions.length),
            label,
          );
          const t0 = performance.now();
          await answerQuestion({
            agent,
            question,
            provider: 'offline',
            dataset: service.ctx.dataset,
            timeoutMs: 30_000,
          });
          times.push(performance.now() - t0);
        }
      }
    } finally {
      await service.close();
    }
    return stats(times);
  };
  const uncached = await measure(false, 'uncached', 0);
  const cached = await measure(true, 'cached', 0.5);
  progress(1, 'done');
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', node: process.version },
    questions: questions.length,
    rounds: options.rounds,
    uncached,
    cached,
    target: { p95Ms: 50 },
  };
}

export function askBenchmarkMarkdown(b: AskBenchmark): string {
  const f = (v: number) => v.toFixed(1);
  const row = (name: string, s: AskBenchmark['uncached']) =>
    `| ${name} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.p99)} | ${f(s.max)} |`;
  return `${[
    '# Offline agent benchmark',
    '',
    `${b.date.slice(0, 10)} on ${b.machine.cpus} cores (${b.machine.cpuModel}), Node ${b.machine.node}. The ${b.questions} development questions, ${b.rounds} rounds each, asked end to end in process (planner, LangGraph graph, tools, DuckDB, narration) on the full-size demo database. Reproduce with \`npm run bench\`.`,
    '',
    '| result cache | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |',
    '|---|---:|---:|---:|---:|',
    row('off (every query hits DuckDB)', b.uncached),
    row('on (as the server runs)', b.cached),
    '',
    `Target: p95 at most ${b.target.p95Ms} ms per question: ${b.uncached.p95 <= b.target.p95Ms ? 'met' : 'MISSED'} without the cache, ${b.cached.p95 <= b.target.p95Ms ? 'met' : 'MISSED'} with it.`,
  ].join('\n')}\n`;
}

export async function writeAskBenchmark(b: AskBenchmark, out: string): Promise<string[]> {
  await mkdir(out, { recursive: true });
  const files = [join(out, 'ask.json'), join(out, 'ask.md')];
  await writeFile(files[0]!, `${JSON.stringify(b, null, 2)}\n`);
  await writeFile(files[1]!, askBenchmarkMarkdown(b));
  return files;
}
