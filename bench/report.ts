/**
 * The performance report: bench/results/performance_report.md (tables, charts as SVG files beside
 * it, every target met or missed) and performance_report.json (the same figures), gathered from
 * the JSON each benchmark wrote to bench/results/. `npm run bench` writes it after running them
 * all; `npm run bench -- report` rewrites it from the files already there.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { readDatabaseInfo } from '../src/data/info.ts';
import type { AskBenchmark } from './ask.ts';
import { barChart, lineChart, type Bar, type Point } from './charts.ts';
import type { LoadBenchmark } from './load.ts';
import type { LoadtestBenchmark } from './loadtest.ts';
import type { ObservabilityBenchmark } from './observability.ts';
import type { QueryBenchmark } from './queries.ts';
import type { ServerBenchmark } from './server.ts';

/** One target of one benchmark, with what was measured. */
export interface TargetResult {
  benchmark: string;
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

interface Section {
  title: string;
  /** Markdown of the section's body: what was run, a table, the charts. */
  body: string;
  targets: TargetResult[];
  date?: string;
}

const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const yes = (met: boolean) => (met ? 'met' : '**MISSED**');

async function readJson<T>(dir: string, name: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')) as T;
  } catch {
    return null;
  }
}

function table(head: string[], rows: (string | number)[][], align?: string): string {
  const a = align ?? head.map((_, i) => (i === 0 ? '---' : '---:')).join('|');
  return [`| ${head.join(' | ')} |`, `|${a}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );
}

/** Writes a chart's SVG to charts/ and returns the Markdown image that shows it. */
async function chart(dir: string, name: string, alt: string, svg: string): Promise<string> {
  await mkdir(join(dir, 'charts'), { recursive: true });
  await writeFile(join(dir, 'charts', `${name}.svg`), svg);
  return `![${alt}](charts/${name}.svg)`;
}

async function loadSection(dir: string, d: LoadBenchmark): Promise<Section> {
  const rows = d.methods.map((m) =>
    m.seconds === null
      ? [m.label, int(m.records), m.note ?? 'skipped', '', '']
      : [
          m.label,
          int(m.records),
          fmt(m.seconds, 2),
          int(m.recordsPerSecond ?? 0),
          int(m.peakRssMb ?? 0),
        ],
  );
  const bars: Bar[] = d.methods.flatMap((m) =>
    m.recordsPerSecond === null
      ? []
      : [{ label: m.label, series: `${int(m.records)} records`, value: m.recordsPerSecond }],
  );
  const f = d.full;
  const targets: TargetResult[] = f
    ? [
        {
          benchmark: 'load',
          what: 'full-size demo file loaded',
          target: `at most ${f.targets.seconds} s`,
          measured: `${fmt(f.seconds)} s`,
          met: f.seconds <= f.targets.seconds,
        },
        {
          benchmark: 'load',
          what: 'peak memory of the full load',
          target: `under ${int(f.targets.peakRssMb)} MB`,
          measured: `${int(f.peakRssMb)} MB`,
          met: f.peakRssMb < f.targets.peakRssMb,
        },
      ]
    : [];
  return {
    title: 'Bulk load',
    date: d.date,
    targets,
    body: [
      'Four ways of putting rows into DuckDB, then the real loader on a full-size demo file. Reproduce with `npm run bench -- load`.',
      table(['method', 'records', 'seconds', 'records/s', 'peak RSS (MB)'], rows),
      f
        ? `Full-size file (${f.file}, ${fmt(f.fileMb)} MB): ${fmt(f.seconds)} s, ${int(f.valuesPerSecond)} values/s, ${int(f.rows)} rows, peak RSS ${int(f.peakRssMb)} MB.`
        : '',
      await chart(
        dir,
        'load',
        'records per second by method',
        barChart(bars, { x: 'records/s (log)', log: true }),
      ),
    ].join('\n\n'),
  };
}

async function queriesSection(dir: string, d: QueryBenchmark): Promise<Section> {
  const rows = d.rows;
  const worst = (k: 'uncachedP95' | 'cachedP95') => Math.max(...rows.map((r) => r[k]));
  const t = d.targets;
  const targets: TargetResult[] = [
    {
      benchmark: 'queries',
      what: 'every domain query, uncached p95',
      target: `at most ${t.uncachedP95Ms} ms`,
      measured: `worst ${fmt(worst('uncachedP95'))} ms`,
      met: worst('uncachedP95') <= t.uncachedP95Ms,
    },
    {
      benchmark: 'queries',
      what: 'every domain query, cached p95',
      target: `at most ${t.cachedP95Ms} ms`,
      measured: `worst ${fmt(worst('cachedP95'), 3)} ms`,
      met: worst('cachedP95') <= t.cachedP95Ms,
    },
  ];
  const level = rows.filter((r) => r.level === 'state or nation');
  const w = Math.max(...level.map((r) => r.uncachedP95));
  targets.push({
    benchmark: 'queries',
    what: 'state- and nation-level queries, uncached p95',
    target: `at most ${t.rollupP95Ms} ms`,
    measured: `worst ${fmt(w)} ms`,
    met: w <= t.rollupP95Ms,
  });
  const bars: Bar[] = rows.flatMap((r) => [
    { label: r.query, series: 'uncached p95', value: r.uncachedP95 },
    { label: r.query, series: 'uncached p50', value: r.uncachedP50 },
  ]);
  return {
    title: 'Domain queries',
    date: d.date,
    targets,
    body: [
      `Each domain query ${d.iterations} times on the full-size demo database, uncached, cached and straight through DuckDB. Reproduce with \`npm run bench -- queries\`.`,
      table(
        ['query', 'uncached p50 / p95 (ms)', 'cached p95 (ms)', 'DuckDB direct p95 (ms)'],
        rows.map((r) => [
          r.query,
          `${fmt(r.uncachedP50)} / ${fmt(r.uncachedP95)}`,
          fmt(r.cachedP95, 3),
          fmt(r.directP95),
        ]),
      ),
      await chart(
        dir,
        'queries',
        'uncached query latency',
        barChart(bars, { x: 'ms', target: t.rollupP95Ms }),
      ),
    ].join('\n\n'),
  };
}

function askSection(d: AskBenchmark): Section {
  const p = d.provider;
  return {
    title: 'Questions end to end (in process)',
    date: d.date,
    targets: [
      {
        benchmark: 'ask',
        what: 'offline planner, uncached p95',
        target: `at most ${d.target.p95Ms} ms`,
        measured: `${fmt(d.uncached.p95)} ms`,
        met: d.uncached.p95 <= d.target.p95Ms,
      },
      ...(p
        ? [
            {
              benchmark: 'ask',
              what: `agent overhead over a scripted ${p.modelDelayMs} ms model, p95`,
              target: `at most ${fmt(p.target * 100, 0)} %`,
              measured: `${fmt(p.overheadP95 * 100)} %`,
              met: p.overheadP95 <= p.target,
            },
          ]
        : []),
    ],
    body: [
      `The ${d.questions} development questions, ${d.rounds} rounds, through the agent with the offline planner. Reproduce with \`npm run bench -- ask\`.`,
      table(
        ['case', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'max (ms)'],
        (['uncached', 'cached'] as const).map((k) => [
          k,
          fmt(d[k].p50),
          fmt(d[k].p95),
          fmt(d[k].p99),
          fmt(d[k].max),
        ]),
      ),
    ].join('\n\n'),
  };
}

function observabilitySection(d: ObservabilityBenchmark): Section {
  const cases = d.cases;
  return {
    title: 'Cost of the instrumentation',
    date: d.date,
    targets: cases.map((c) => ({
      benchmark: 'observability',
      what: `per-request metrics on ${c.name} requests, median overhead`,
      target: `at most ${fmt(d.target * 100, 0)} %`,
      measured: `${fmt(c.medianOverhead * 100, 2)} % (+${fmt(c.medianExtraMs, 2)} ms)`,
      met: c.medianOverhead <= d.target,
    })),
    body: [
      `Requests in pairs, instrumentation on and off (load average ${d.loadAverage.map((l) => fmt(l, 2)).join(' / ')}). Reproduce with \`npm run bench -- observability\`.`,
      table(
        ['case', 'off p50 (ms)', 'on p50 (ms)', 'median overhead (95 % CI)'],
        cases.map((c) => [
          c.name,
          fmt(c.offMs.p50, 2),
          fmt(c.onMs.p50, 2),
          `${fmt(c.medianOverhead * 100, 2)} % (${c.medianOverheadCi95.map((x) => fmt(x * 100, 2)).join(' to ')} %)`,
        ]),
      ),
      `The instrumentation's own work, measured in a loop: ${fmt(d.work.answerCacheUs)} µs per cached answer, ${fmt(d.work.agentUs)} µs per agent question.`,
    ].join('\n\n'),
  };
}

async function serverSection(dir: string, d: ServerBenchmark): Promise<Section> {
  const loads = d.loads;
  const targets: TargetResult[] = loads.map((l) => {
    const share = l.target.orBaselineShare
      ? ` or >= ${fmt(l.target.orBaselineShare * 100, 0)} % of a trivial Node server's ${int(d.baseline.requestsPerSecond)}`
      : '';
    return {
      benchmark: 'server',
      what: `${l.name}, ${l.connections} connections`,
      target: `>= ${int(l.target.requestsPerSecond)} req/s${share}, p99 <= ${l.target.p99Ms} ms, no errors`,
      measured: `${int(l.requestsPerSecond)} req/s, p99 ${int(l.latencyMs.p99)} ms, ${l.errors + l.non2xx} errors`,
      met: l.met,
    };
  });
  return {
    title: 'HTTP API under load',
    date: d.date,
    targets,
    body: [
      `autocannon against \`landuse serve\` in its own process${d.workers ? ` (${d.workers} workers)` : ''}. Reproduce with \`npm run bench -- server\`.`,
      table(
        ['load', 'requests/s', 'p50 (ms)', 'p99 (ms)', 'max (ms)', 'errors'],
        [{ ...d.baseline, name: 'trivial Node HTTP server (yardstick)' }, ...loads].map((l) => [
          l.name,
          int(l.requestsPerSecond),
          int(l.latencyMs.p50),
          int(l.latencyMs.p99),
          int(l.latencyMs.max),
          l.errors + l.non2xx + l.timeouts,
        ]),
      ),
      await chart(
        dir,
        'server',
        'requests per second by load',
        barChart(
          loads.map((l) => ({ label: l.name, value: l.requestsPerSecond })),
          { x: 'requests/s' },
        ),
      ),
    ].join('\n\n'),
  };
}

async function loadtestSection(dir: string, d: LoadtestBenchmark): Promise<Section> {
  const levels = d.levels;
  // The charts show the four levels; the release run (50 users again, longer) is in the table.
  const points: Point[] = levels
    .filter((l) => !l.slo)
    .flatMap((l) =>
      (['p50', 'p95', 'p99'] as const).map((k) => ({
        x: l.users,
        y: l.latencyMs[k],
        series: k,
      })),
    );
  return {
    title: 'Load test levels',
    date: d.date,
    targets: levels.flatMap((l) =>
      l.slo
        ? [
            {
              benchmark: 'loadtest',
              what: `${l.users} users, ${l.mix} mix`,
              target: l.slo.target,
              measured: `${fmt(l.requestsPerSecond)} req/s, p95 ${int(l.latencyMs.p95)} ms, p99 ${int(l.latencyMs.p99)} ms, ${l.failed} failed`,
              met: l.slo.met,
            },
          ]
        : [],
    ),
    body: [
      `\`landuse loadtest --levels\`: the guide's four levels in turn. Reproduce with \`npm run bench -- loadtest\`.`,
      table(
        ['users', 'requests', 'failed', 'requests/s', 'avg (ms)', 'p50', 'p95', 'p99', 'max'],
        levels.map((l) => [
          l.users,
          int(l.requests),
          int(l.failed),
          fmt(l.requestsPerSecond),
          fmt(l.latencyMs.avg),
          fmt(l.latencyMs.p50),
          fmt(l.latencyMs.p95),
          fmt(l.latencyMs.p99),
          fmt(l.latencyMs.max),
        ]),
      ),
      await chart(
        dir,
        'loadtest-latency',
        'latency percentiles by users',
        lineChart(points, { x: 'users', y: 'ms' }),
      ),
      await chart(
        dir,
        'loadtest-throughput',
        'requests per second by users',
        lineChart(
          levels
            .filter((l) => !l.slo)
            .map((l) => ({ x: l.users, y: l.requestsPerSecond, series: 'requests/s' })),
          { x: 'users', y: 'requests/s' },
        ),
      ),
    ].join('\n\n'),
  };
}

/**
 * Reads every benchmark's JSON from `dir` and writes performance_report.md and .json there. A
 * benchmark whose file is missing is listed as not run, never invented.
 */
export async function writePerformanceReport(
  dir: string,
  opts: { db?: string } = {},
): Promise<string[]> {
  const sections: Section[] = [];
  const missing: string[] = [];
  const add = async <T>(name: string, make: (d: T) => Promise<Section> | Section) => {
    const d = await readJson<T>(dir, name);
    if (d) sections.push(await make(d));
    else missing.push(name);
  };
  await add<LoadBenchmark>('load', (d) => loadSection(dir, d));
  await add<QueryBenchmark>('queries', (d) => queriesSection(dir, d));
  await add<AskBenchmark>('ask', askSection);
  await add<ObservabilityBenchmark>('observability', observabilitySection);
  await add<ServerBenchmark>('server', (d) => serverSection(dir, d));
  await add<LoadtestBenchmark>('loadtest', (d) => loadtestSection(dir, d));
  const info = opts.db ? await readDatabaseInfo(opts.db).catch(() => null) : null;
  const targets = sections.flatMap((s) => s.targets);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  const data = info
    ? {
        path: info.path,
        dataset: info.dataset,
        fileMb: info.fileBytes / 1e6,
        tables: info.tables,
        counties: info.counties,
      }
    : null;
  const md = [
    '# Performance report',
    `Written ${new Date().toISOString()} by \`npm run bench\` on ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}.`,
    data
      ? `Data: ${data.dataset === 'demo' ? '**demo data**' : 'RPA data'} \`${data.path}\`, ${fmt(data.fileMb)} MB, ${Object.entries(
          data.tables,
        )
          .map(([t, n]) => `${t} ${int(n)}`)
          .join(', ')}.`
      : '',
    `Reproduce everything with \`npm run bench\` (about 15 minutes), one part with \`npm run bench -- <name>\`, and this report from the results already here with \`npm run bench -- report\`. Each part's own Markdown and JSON are beside this file; the figures below are read from that JSON.`,
    '## Targets',
    `${targets.filter((t) => t.met).length} of ${targets.length} met.`,
    table(
      ['benchmark', 'what', 'target', 'measured', ''],
      targets.map((t) => [t.benchmark, t.what, t.target, t.measured, yes(t.met)]),
      '---|---|---|---|---',
    ),
    missing.length ? `Not run (no results file): ${missing.join(', ')}.` : '',
    ...sections.map((s) => `## ${s.title}\n\n${s.date ? `Measured ${s.date}. ` : ''}${s.body}`),
  ]
    .filter(Boolean)
    .join('\n\n');
  const mdPath = join(dir, 'performance_report.md');
  const jsonPath = join(dir, 'performance_report.json');
  await writeFile(mdPath, `${md}\n`);
  await writeFile(
    jsonPath,
    `${JSON.stringify({ date: new Date().toISOString(), machine, data, targets, missing }, null, 2)}\n`,
  );
  return [mdPath, jsonPath];
}
