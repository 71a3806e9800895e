/**
 * The knowledge base: how often the expected section comes first (hit@1) and among the first
 * three (hit@3) on the tuning sets, with the sections' own text only and with the example
 * questions, and what a search costs (building the index on the first search, then each search).
 * The held-out set is not run here: it is measured by its test and by hand, and only counted.
 */
import { join } from 'node:path';
import {
  createKnowledgeBase,
  KNOWLEDGE_DIR,
  readRetrievalSet,
  scoreRetrieval,
  type KnowledgeBase,
} from '../src/knowledge/index.ts';
import { machine, writeResults, type Machine } from './results-files.ts';
import { readExamples } from '../src/knowledge/examples.ts';

const EVAL = join(KNOWLEDGE_DIR, '..', 'eval');
/** The sets tuned on: the author's, then an independent writer's. */
const SETS = ['knowledge-dev', 'knowledge-dev2', 'knowledge-train'];

interface Variant {
  name: 'text only' | 'with examples';
  sets: { set: string; questions: number; hitAt1: number; hitAt3: number }[];
  buildMs: number;
  searchMs: { p50: number; p95: number; p99: number; max: number };
}

export interface KnowledgeBenchmark {
  date: string;
  machine: Machine;
  examples: number;
  rounds: number;
  variants: Variant[];
}

export async function runKnowledgeBenchmark(
  rounds: number,
  progress: (fraction: number, stage: string) => void = () => {},
): Promise<KnowledgeBenchmark> {
  const sets = SETS.map((set) => ({
    set,
    questions: readRetrievalSet(join(EVAL, `${set}.jsonl`)),
  }));
  const all = sets.flatMap((s) => s.questions.map((q) => q.question));
  const variants: Variant[] = [];
  const plans = [
    { name: 'text only' as const, kb: () => createKnowledgeBase({ examples: [] }) },
    { name: 'with examples' as const, kb: () => createKnowledgeBase() },
  ];
  for (const [v, plan] of plans.entries()) {
    progress(v / plans.length, plan.name);
    const kb: KnowledgeBase = plan.kb();
    const started = performance.now();
    await kb.search('index build');
    const buildMs = performance.now() - started;
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const q of all) {
        const t = performance.now();
        await kb.search(q);
        times.push(performance.now() - t);
      }
      progress((v + (r + 1) / (rounds + 1)) / plans.length, plan.name);
    }
    const scored = [];
    for (const s of sets) {
      const r = await scoreRetrieval(kb, s.questions);
      scored.push({ set: s.set, questions: r.total, hitAt1: r.hitAt1, hitAt3: r.hitAt3 });
    }
    times.sort((a, b) => a - b);
    const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
    variants.push({
      name: plan.name,
      sets: scored,
      buildMs,
      searchMs: { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: times.at(-1)! },
    });
  }
  progress(1, 'done');
  return {
    date: new Date().toISOString(),
    machine: machine(),
    examples: readExamples(KNOWLEDGE_DIR).length,
    rounds,
    variants,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const ms = (x: number) => `${x.toFixed(2)} ms`;

export function knowledgeBenchmarkMarkdown(b: KnowledgeBenchmark): string {
  const rows = b.variants.flatMap((v) =>
    v.sets.map(
      (s) => `| ${v.name} | ${s.set} | ${s.questions} | ${pct(s.hitAt1)} | ${pct(s.hitAt3)} |`,
    ),
  );
  const cost = b.variants.map(
    (v) =>
      `| ${v.name} | ${v.buildMs.toFixed(0)} ms | ${ms(v.searchMs.p50)} | ${ms(v.searchMs.p95)} | ${ms(v.searchMs.p99)} | ${ms(v.searchMs.max)} |`,
  );
  return [
    '# Knowledge base: retrieval and search cost',
    '',
    `${b.date.slice(0, 10)} on ${b.machine.cpus} cores (${b.machine.cpuModel}), Node ${b.machine.node}. Full-text search (Orama BM25) over the eight documents; "with examples" adds the ${b.examples} example questions of knowledge/questions.jsonl. Reproduce with \`npm run bench -- knowledge\`.`,
    '',
    '| search | set | questions | hit@1 | hit@3 |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows,
    '',
    `Search cost over the sets' questions, ${b.rounds} rounds (index built on the first search):`,
    '',
    '| search | index build | p50 | p95 | p99 | max |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...cost,
    '',
  ].join('\n');
}

export function writeKnowledgeBenchmark(b: KnowledgeBenchmark, out: string): Promise<string[]> {
  return writeResults(out, 'knowledge', b, knowledgeBenchmarkMarkdown(b));
}
