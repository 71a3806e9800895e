/**
 * The offline agent benchmark: every question of the development set asked end to end in
 * process (planner, LangGraph, tools, DuckDB, narration) on the full-size demo database.
 */
import { machine, writeResults, type Machine } from './results-files.ts';
import { loadQuestionSet } from '../src/agent/eval.ts';
import { answerQuestion, createAgent, createOfflineAgent } from '../src/agent/index.ts';
import { openAnalytics } from '../src/analytics/open.ts';
import type { Config } from '../src/config/index.ts';

export interface AskBenchmark {
  date: string;
  machine: Machine;
  questions: number;
  rounds: number;
  uncached: { p50: number; p95: number; p99: number; max: number };
  cached: { p50: number; p95: number; p99: number; max: number };
  target: { p95Ms: number };
  provider?: ProviderOverhead;
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
  progress(0.99, 'with a scripted provider');
  const provider = await runProviderOverhead(config, {
    db: options.db,
    questions: 20,
    delayMs: 200,
  });
  progress(1, 'done');
  return {
    date: new Date().toISOString(),
    machine: machine(),
    questions: questions.length,
    rounds: options.rounds,
    uncached,
    cached,
    target: { p95Ms: 50 },
    provider,
  };
}

interface ProviderOverhead {
  questions: number;
  modelDelayMs: number;
  modelCallsPerQuestion: number;
  totalP50: number;
  totalP95: number;
  /** (time per question - the model's own time) / the model's own time, at p50. */
  overheadP50: number;
  overheadP95: number;
  target: number;
}

/**
 * What the agent adds on top of an LLM: a scripted OpenAI-protocol server on 127.0.0.1 that
 * takes `delayMs` to answer each call (a tool call, then the answer), and the real graph, tools
 * and DuckDB in between.
 */
async function runProviderOverhead(
  config: Config,
  options: { db: string; questions: number; delayMs: number },
): Promise<ProviderOverhead> {
  const { startOpenAIServer } = await import('../test/scripted/openai.ts');
  const script = Array.from({ length: options.questions + 1 }, () => [
    { tool: 'compare_states', args: { metric: 'urban_expansion' } },
    { text: 'Texas leads in urban expansion.' },
  ]).flat();
  const server = await startOpenAIServer(script, { delayMs: options.delayMs });
  const llmConfig: Config = {
    ...config,
    provider: 'openai-compatible',
    baseUrl: server.url,
    model: 'scripted',
    openaiApiKey: 'bench-key',
    rateLimitCalls: 10_000,
    fallbackToOffline: false,
  };
  // With the result cache, as the server runs: the repeated question's tool result is cached.
  const service = await openAnalytics(llmConfig, { path: options.db });
  const times: number[] = [];
  try {
    const { agent, provider } = createAgent(service, llmConfig);
    const ask = () =>
      answerQuestion({
        agent,
        question: 'Which states have the most urban expansion?',
        provider,
        dataset: service.ctx.dataset,
        timeoutMs: 30_000,
      });
    await ask();
    for (let i = 0; i < options.questions; i++) {
      const t0 = performance.now();
      await ask();
      times.push(performance.now() - t0);
    }
  } finally {
    await service.close();
    await server.close();
  }
  const s = stats(times);
  const model = 2 * options.delayMs;
  return {
    questions: options.questions,
    modelDelayMs: options.delayMs,
    modelCallsPerQuestion: 2,
    totalP50: s.p50,
    totalP95: s.p95,
    overheadP50: (s.p50 - model) / model,
    overheadP95: (s.p95 - model) / model,
    target: 0.1,
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
    ...(b.provider
      ? [
          '',
          '## With an LLM provider',
          '',
          `A scripted OpenAI-protocol server on 127.0.0.1 answering each call in ${b.provider.modelDelayMs} ms (a tool call, then the answer: ${b.provider.modelCallsPerQuestion * b.provider.modelDelayMs} ms of model time per question), the real graph, tools and DuckDB between, ${b.provider.questions} questions: p50 ${f(b.provider.totalP50)} ms, p95 ${f(b.provider.totalP95)} ms per question; the agent adds ${(b.provider.overheadP50 * 100).toFixed(1)} % at p50 and ${(b.provider.overheadP95 * 100).toFixed(1)} % at p95 on top of the model's time (target at most ${b.provider.target * 100} %: ${b.provider.overheadP50 <= b.provider.target ? 'met' : 'MISSED'} at p50, ${b.provider.overheadP95 <= b.provider.target ? 'met' : 'MISSED'} at p95). The result cache is on, as the server runs it.`,
        ]
      : []),
  ].join('\n')}\n`;
}

export function writeAskBenchmark(b: AskBenchmark, out: string): Promise<string[]> {
  return writeResults(out, 'ask', b, askBenchmarkMarkdown(b));
}
