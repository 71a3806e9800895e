/**
 * The loading benchmark: the original system's comparison of ways to bulk-load fact rows into
 * DuckDB, plus the real `landuse load` of a full-size demo file. Each measurement runs in its own
 * process (bench/load-worker.ts) so that its peak RSS is its own.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeResults } from './results-files.ts';

const run = promisify(execFile);

export const METHODS = ['insert', 'appender', 'parquet', 'json'] as const;
export type Method = (typeof METHODS)[number];

const LABELS: Record<Method, string> = {
  insert: 'row INSERT (prepared statement)',
  appender: 'DuckDB appender',
  parquet: 'COPY from Parquet',
  json: 'native JSON (read_json)',
};

/** Row INSERTs run at a few thousand per second: past this they would take minutes, so skip. */
const INSERT_MAX_RECORDS = 100_000;

interface MethodResult {
  method: Method;
  label: string;
  records: number;
  seconds: number | null;
  recordsPerSecond: number | null;
  peakRssMb: number | null;
  note?: string;
}

interface FullLoadResult {
  file: string;
  fileMb: number;
  seconds: number;
  values: number;
  valuesPerSecond: number;
  rows: number;
  peakRssMb: number;
  targets: { seconds: number; peakRssMb: number };
}

export interface LoadBenchmark {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string };
  methods: MethodResult[];
  full: FullLoadResult | null;
}

async function worker(args: Record<string, unknown>): Promise<Record<string, number>> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'load-worker.ts'), JSON.stringify(args)],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

export async function runLoadBenchmark(
  options: { records: number[]; methods: Method[]; out: string; fullInput?: string },
  progress: (fraction: number, stage: string) => void,
): Promise<LoadBenchmark> {
  const dir = join(os.tmpdir(), `landuse-bench-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const steps = options.records.length * options.methods.length + (options.fullInput ? 1 : 0);
  let done = 0;
  const results: MethodResult[] = [];
  try {
    for (const records of options.records) {
      for (const method of options.methods) {
        progress(done / steps, `${LABELS[method]}, ${records.toLocaleString('en-US')} records`);
        if (method === 'insert' && records > INSERT_MAX_RECORDS) {
          results.push({
            method,
            label: LABELS[method],
            records,
            seconds: null,
            recordsPerSecond: null,
            peakRssMb: null,
            note: `skipped above ${INSERT_MAX_RECORDS.toLocaleString('en-US')} records (minutes at its rate)`,
          });
        } else {
          const r = await worker({ method, records, dir });
          results.push({
            method,
            label: LABELS[method],
            records,
            seconds: r.seconds!,
            recordsPerSecond: r.recordsPerSecond!,
            peakRssMb: r.peakRssMb!,
          });
        }
        done++;
      }
    }
    let full: FullLoadResult | null = null;
    if (options.fullInput) {
      progress(done / steps, 'landuse load, full-size demo file');
      const { size } = await import('node:fs/promises').then((fs) => fs.stat(options.fullInput!));
      const r = await worker({ method: 'full', records: 0, dir, input: options.fullInput });
      full = {
        file: 'full-size demo file (20 runs x 6 periods x 3,108 counties)',
        fileMb: size / 1e6,
        seconds: r.seconds!,
        values: r.values!,
        valuesPerSecond: r.valuesPerSecond!,
        rows: r.rows!,
        peakRssMb: r.peakRssMb!,
        targets: { seconds: 12, peakRssMb: 2500 },
      };
    }
    progress(1, 'done');
    const cpus = os.cpus();
    return {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? 'unknown',
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
      },
      methods: results,
      full,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const n = (v: number | null, digits = 0) =>
  v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits });

/** The benchmark as a markdown report (bench/results/load.md, quoted in the README). */
export function loadBenchmarkMarkdown(b: LoadBenchmark): string {
  const lines = [
    `# Loading benchmark`,
    '',
    `${b.date.slice(0, 10)} on ${b.machine.cpus} cores (${b.machine.cpuModel}), ${b.machine.memoryGb} GB, Node ${b.machine.node}. Reproduce with \`npm run bench\`.`,
    '',
    '| method | records | seconds | records/s | peak RSS (MB) | note |',
    '|---|---:|---:|---:|---:|---|',
    ...b.methods.map(
      (r) =>
        `| ${r.label} | ${n(r.records)} | ${r.seconds === null ? '—' : r.seconds.toFixed(3)} | ${n(r.recordsPerSecond)} | ${n(r.peakRssMb)} | ${r.note ?? ''} |`,
    ),
  ];
  if (b.full) {
    const f = b.full;
    lines.push(
      '',
      '## `landuse load` of the full-size demo file',
      '',
      '| file | seconds | values | values/s | fact rows | peak RSS (MB) |',
      '|---|---:|---:|---:|---:|---:|',
      `| ${f.file}, ${f.fileMb.toFixed(0)} MB | ${f.seconds.toFixed(2)} | ${n(f.values)} | ${n(f.valuesPerSecond)} | ${n(f.rows)} | ${n(f.peakRssMb)} |`,
      '',
      `Targets: at most ${f.targets.seconds} s and ${f.targets.peakRssMb} MB peak: ` +
        `${f.seconds <= f.targets.seconds ? 'time met' : `time MISSED by ${(f.seconds - f.targets.seconds).toFixed(2)} s`}, ` +
        `${f.peakRssMb <= f.targets.peakRssMb ? 'memory met' : 'memory MISSED'}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function writeLoadBenchmark(b: LoadBenchmark, out: string): Promise<string[]> {
  return writeResults(out, 'load', b, loadBenchmarkMarkdown(b));
}
