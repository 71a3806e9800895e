/**
 * `npm run bench [-- <name> [options]]`: the benchmarks, each writing JSON and Markdown to
 * bench/results/. With no name it runs load, queries, ask, observability, server, knowledge and loadtest in turn. The benchmarks are
 * their own entry point beside the CLI: neither imports the other.
 */
import { rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DEV_SET } from '../src/agent/eval.ts';
import { loadConfig } from '../src/config/index.ts';
import { DEFAULT_SEED, ensureDemoDatabase, writeDemoRawFile } from '../src/data/demo/index.ts';
import { AppError } from '../src/domain/index.ts';
import { progressBar } from '../src/terminal/progress.ts';
import { askBenchmarkMarkdown, runAskBenchmark, writeAskBenchmark } from './ask.ts';
import {
  METHODS,
  loadBenchmarkMarkdown,
  runLoadBenchmark,
  writeLoadBenchmark,
  type Method,
} from './load.ts';
import {
  observabilityBenchmarkMarkdown,
  runObservabilityBenchmark,
  writeObservabilityBenchmark,
} from './observability.ts';
import {
  knowledgeBenchmarkMarkdown,
  runKnowledgeBenchmark,
  writeKnowledgeBenchmark,
} from './knowledge.ts';
import { queryBenchmarkMarkdown, runQueryBenchmark, writeQueryBenchmark } from './queries.ts';
import {
  loadtestBenchmarkMarkdown,
  runLoadtestBenchmark,
  writeLoadtestBenchmark,
} from './loadtest.ts';
import { writePerformanceReport } from './report.ts';
import { runServerBenchmark, serverBenchmarkMarkdown, writeServerBenchmark } from './server.ts';

const config = loadConfig();
const OUT = join(import.meta.dirname, 'results');

/** The database to measure: `--db`, else LANDUSE_DB_PATH, built from demo data when missing. */
async function database(db: string | undefined): Promise<string> {
  const path = db ?? config.dbPath;
  const bar = progressBar('Building the demo database');
  try {
    await ensureDemoDatabase(path, {
      threads: config.threads,
      progress: (f, s) => bar.update(f, s),
    });
  } finally {
    bar.stop();
  }
  return path;
}

/** Runs one benchmark with a progress bar, writes its files and prints its Markdown. */
async function run<T>(
  title: string,
  measure: (progress: (fraction: number, stage: string) => void) => Promise<T>,
  write: (result: T, out: string) => Promise<string[]>,
  markdown: (result: T) => string,
  out: string,
): Promise<void> {
  const bar = progressBar(title);
  const result = await measure((f, s) => bar.update(f, s));
  bar.stop();
  const files = await write(result, out);
  process.stdout.write(`${markdown(result)}\nWrote ${files.join(' and ')}\n\n`);
}

async function benchLoad(opts: {
  records: number[];
  methods?: string[];
  out: string;
  full?: boolean;
}) {
  const methods = (opts.methods ?? [...METHODS]).map((m) => {
    if (!(METHODS as readonly string[]).includes(m)) {
      throw new AppError(
        'usage:bad_method',
        `Unknown method "${m}"; expected any of ${METHODS.join(', ')}.`,
      );
    }
    return m as Method;
  });
  const fullInput =
    opts.full === false ? undefined : join(os.tmpdir(), `landuse-bench-full-${process.pid}.json`);
  try {
    if (fullInput) await writeDemoRawFile(fullInput, { seed: DEFAULT_SEED });
    await run(
      'Benchmarking loads',
      (progress) =>
        runLoadBenchmark({ records: opts.records, methods, out: opts.out, fullInput }, progress),
      writeLoadBenchmark,
      loadBenchmarkMarkdown,
      opts.out,
    );
  } finally {
    if (fullInput) {
      await rm(fullInput, { force: true });
      await rm(`${fullInput}.meta.json`, { force: true });
    }
  }
}

async function benchQueries(opts: { db?: string; iterations: number; out: string }) {
  const db = await database(opts.db);
  await run(
    'Benchmarking queries',
    (progress) =>
      runQueryBenchmark(
        { db, iterations: opts.iterations, threads: config.queryThreads },
        progress,
      ),
    writeQueryBenchmark,
    queryBenchmarkMarkdown,
    opts.out,
  );
}

async function benchAsk(opts: { db?: string; rounds: number; out: string }) {
  const db = await database(opts.db);
  await run(
    'Benchmarking ask',
    (progress) => runAskBenchmark(config, { db, set: DEV_SET, rounds: opts.rounds }, progress),
    writeAskBenchmark,
    askBenchmarkMarkdown,
    opts.out,
  );
}

async function benchObservability(opts: { db?: string; rounds: number; out: string }) {
  const db = await database(opts.db);
  await run(
    'Benchmarking the instrumentation',
    (progress) =>
      runObservabilityBenchmark(config, { db, set: DEV_SET, rounds: opts.rounds }, progress),
    writeObservabilityBenchmark,
    observabilityBenchmarkMarkdown,
    opts.out,
  );
}

async function benchServer(opts: { db?: string; seconds: number; workers?: number; out: string }) {
  const db = await database(opts.db);
  await run(
    'Benchmarking the HTTP API',
    (progress) =>
      runServerBenchmark(
        { db, seconds: opts.seconds, ...(opts.workers ? { workers: opts.workers } : {}) },
        progress,
      ),
    writeServerBenchmark,
    serverBenchmarkMarkdown,
    opts.out,
  );
}

async function benchLoadtest(opts: {
  db?: string;
  workers?: number;
  levelSeconds: number;
  targetSeconds: number;
  out: string;
}) {
  const db = await database(opts.db);
  await run(
    'Load testing',
    (progress) =>
      runLoadtestBenchmark(
        {
          db,
          levelSeconds: opts.levelSeconds,
          targetSeconds: opts.targetSeconds,
          ...(opts.workers ? { workers: opts.workers } : {}),
        },
        progress,
      ),
    writeLoadtestBenchmark,
    loadtestBenchmarkMarkdown,
    opts.out,
  );
}

async function report(opts: { db?: string; out: string }) {
  const files = await writePerformanceReport(opts.out, { db: opts.db ?? config.dbPath });
  process.stdout.write(`Wrote ${files.join(' and ')}\n`);
}

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a positive whole number, got "${value}".`);
  }
  return n;
}

async function benchKnowledge(opts: { rounds: number; out: string }) {
  await run(
    'Knowledge base',
    (progress) => runKnowledgeBenchmark(opts.rounds, progress),
    writeKnowledgeBenchmark,
    knowledgeBenchmarkMarkdown,
    opts.out,
  );
}

const list = (value: string) => value.split(',').map((v) => int(v.trim().replace(/_/g, '')));
const dbOption = [
  '--db <path>',
  'database file (default: LANDUSE_DB_PATH; built from demo data if missing)',
] as const;

const program = new Command('npm run bench --')
  .description('benchmarks; each writes <name>.json and <name>.md to bench/results/')
  .option('--out <dir>', 'where to write the results', OUT)
  .action(async (opts: { out: string }) => {
    await benchLoad({ records: [10_000, 100_000, 1_000_000], out: opts.out });
    await benchQueries({ iterations: 50, out: opts.out });
    await benchAsk({ rounds: 3, out: opts.out });
    await benchObservability({ rounds: 5, out: opts.out });
    await benchServer({ seconds: 10, out: opts.out });
    await benchKnowledge({ rounds: 5, out: opts.out });
    await benchLoadtest({ levelSeconds: 20, targetSeconds: 60, out: opts.out });
    await report({ out: opts.out });
  });

program
  .command('loadtest')
  .description(
    'landuse loadtest against landuse serve: 5, 10, 20 and 50 users on never-repeating questions, then 50 users against the release target',
  )
  .option(...dbOption)
  .option('--workers <n>', 'server processes (landuse serve --workers N)', int)
  .option('--level-seconds <n>', 'seconds at each of the four levels', int, 20)
  .option('--target-seconds <n>', 'seconds of the 50-user release run', int, 60)
  .action((opts: { db?: string; workers?: number; levelSeconds: number; targetSeconds: number }) =>
    benchLoadtest({ ...opts, out: program.opts<{ out: string }>().out }),
  );

program
  .command('report')
  .description(
    'write performance_report.md and .json from the results already in bench/results (no benchmark runs)',
  )
  .option(...dbOption)
  .action((opts: { db?: string }) => report({ ...opts, out: program.opts<{ out: string }>().out }));

program
  .command('load')
  .description('loading benchmark: prepared INSERTs, appender, Parquet COPY, native JSON')
  .option(
    '--records <list>',
    'record counts to test, comma-separated',
    list,
    [10_000, 100_000, 1_000_000],
  )
  .option('--methods <list>', 'methods to run: insert,appender,parquet,json', (v) => v.split(','))
  .option('--no-full', 'skip timing the load of a full-size demo file')
  .action((opts: { records: number[]; methods?: string[]; full?: boolean }) =>
    benchLoad({ ...opts, out: program.opts<{ out: string }>().out }),
  );

program
  .command('queries')
  .description('every domain query: p50/p95 uncached and cached, and the overhead over DuckDB')
  .option(...dbOption)
  .option('--iterations <n>', 'runs of each query', int, 50)
  .action((opts: { db?: string; iterations: number }) =>
    benchQueries({ ...opts, out: program.opts<{ out: string }>().out }),
  );

program
  .command('ask')
  .description('the development questions end to end with the offline planner: p50/p95/p99')
  .option(...dbOption)
  .option('--rounds <n>', 'times through the question set', int, 3)
  .action((opts: { db?: string; rounds: number }) =>
    benchAsk({ ...opts, out: program.opts<{ out: string }>().out }),
  );

program
  .command('observability')
  .description(
    'what the per-request metrics cost: the development questions with instrumentation on and off',
  )
  .option(...dbOption)
  .option('--rounds <n>', 'times through the question set', int, 5)
  .action((opts: { db?: string; rounds: number }) =>
    benchObservability({ ...opts, out: program.opts<{ out: string }>().out }),
  );

program
  .command('knowledge')
  .description(
    'knowledge base: hit@1 and hit@3 on the tuning sets with and without the example questions, index build and search time',
  )
  .option('--rounds <n>', 'times each question is searched for the timings', int, 5)
  .action((opts: { rounds: number }) =>
    benchKnowledge({ ...opts, out: program.opts<{ out: string }>().out }),
  );

program
  .command('server')
  .description('autocannon against `landuse serve`: POST /api/ask at 50 connections, req/s, p99')
  .option(...dbOption)
  .option('--seconds <n>', 'seconds per load', int, 10)
  .option('--workers <n>', 'server processes (landuse serve --workers N)', int, 1)
  .action((opts: { db?: string; seconds: number; workers: number }) =>
    benchServer({ ...opts, out: program.opts<{ out: string }>().out }),
  );

try {
  await program.parseAsync();
} catch (err) {
  process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
