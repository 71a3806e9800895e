import os from 'node:os';
import type { LatencySummary } from './histogram.ts';
import type { LevelResult } from './runner.ts';
import { describeMiss, percent, type Slo, type SloCheck } from './slo.ts';

/** One level in the report: its figures and its objectives. */
export interface LevelReport extends LevelResult {
  slo: SloCheck[];
  met: boolean;
}

/** What `landuse loadtest --json` prints. */
export interface LoadTestReport {
  date: string;
  machine: { cpus: number; cpuModel: string; node: string };
  /** The command line that reproduces the run. */
  command: string;
  target: { kind: 'in-process' | 'http'; where: string };
  mix: { name: string; description: string };
  settings: {
    rampUpSeconds: number;
    durationSeconds: number | null;
    requests: number | null;
    thinkMs: number;
  };
  slo: Slo;
  levels: LevelReport[];
  /** Every objective of every level met (true when none was set). */
  met: boolean;
}

export function machine(): LoadTestReport['machine'] {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
  };
}

/** `p95 812 ms > 500 ms at 50 users; ...`: what was missed, for the error message. */
export function misses(report: LoadTestReport): string[] {
  return report.levels.flatMap((l) =>
    l.slo.filter((c) => !c.met).map((c) => `${describeMiss(c)} at ${l.users} users`),
  );
}

const ms = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const whole = (n: number) => Math.round(n).toLocaleString('en-US');
const rps = (n: number) => (n >= 100 ? whole(n) : n.toFixed(1));

/** The main table's header and one row per level (text and Markdown share them). */
export function levelRows(report: LoadTestReport): { head: string[]; rows: string[][] } {
  const head = [
    'users',
    'requests',
    'succeeded',
    'failed',
    'requests/s',
    'avg (ms)',
    'p50 (ms)',
    'p95 (ms)',
    'p99 (ms)',
    'max (ms)',
    'memory max (MB)',
    'CPU avg',
    'SLO',
  ];
  const rows = report.levels.map((l) => [
    String(l.users),
    whole(l.requests.total),
    whole(l.requests.succeeded),
    whole(l.requests.failed),
    rps(l.requestsPerSecond),
    ms(l.latencyMs.avg),
    ms(l.latencyMs.p50),
    ms(l.latencyMs.p95),
    ms(l.latencyMs.p99),
    ms(l.latencyMs.max),
    l.server ? whole(l.server.memoryMb.max) : '-',
    l.server?.cpuPercent ? `${Math.round(l.server.cpuPercent.avg)} %` : '-',
    l.slo.length === 0 ? '-' : l.met ? 'met' : 'MISSED',
  ]);
  return { head, rows };
}

/** Per request kind, per level: only for mixes with more than one kind. */
export function kindRows(report: LoadTestReport): { head: string[]; rows: string[][] } {
  const head = ['users', 'request', 'count', 'failed', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)'];
  const rows: string[][] = [];
  for (const l of report.levels) {
    const kinds = Object.entries(l.byKind) as [
      string,
      { total: number; failed: number; latencyMs: LatencySummary },
    ][];
    if (kinds.length < 2) continue;
    for (const [kind, v] of kinds) {
      rows.push([
        String(l.users),
        kind,
        whole(v.total),
        whole(v.failed),
        ms(v.latencyMs.p50),
        ms(v.latencyMs.p95),
        ms(v.latencyMs.p99),
      ]);
    }
  }
  return { head, rows };
}

/** Lines under the tables: errors, cache, tools, server figures, objectives. */
export function notes(report: LoadTestReport): string[] {
  const out: string[] = [];
  const server =
    report.target.kind === 'http'
      ? `the server's /metrics (${report.target.where})`
      : 'this process (the app and the load generator share it)';
  for (const l of report.levels) {
    const at = report.levels.length > 1 ? `${l.users} users: ` : '';
    if (l.interrupted) out.push(`${at}stopped early (interrupted).`);
    if (l.errors.length > 0) {
      out.push(
        `${at}errors: ${l.errors.map((e) => `${e.kind} x ${whole(e.count)}`).join(', ')} (error rate ${percent(l.errorRate)}).`,
      );
    }
    if (l.server) {
      const cpu = l.server.cpuPercent
        ? `; CPU ${Math.round(l.server.cpuPercent.avg)} % on average, ${Math.round(l.server.cpuPercent.max)} % in the busiest second (100 % = one core)`
        : '';
      out.push(
        `${at}memory (resident) ${whole(l.server.memoryMb.start)} MB at the start, ${whole(l.server.memoryMb.max)} MB at most, ${whole(l.server.memoryMb.end)} MB at the end${cpu}; from ${server}, ${l.server.samples} readings.`,
      );
    } else {
      out.push(`${at}no memory or CPU figures: ${server} could not be read.`);
    }
    const answers = (l.byKind.ask?.total ?? 0) - (l.byKind.ask?.failed ?? 0);
    if (answers > 0) {
      const tools = Object.keys(l.tools).length;
      out.push(
        `${at}${whole(l.cacheHits)} of ${whole(answers)} answers from the answer cache; ${tools} tool${tools === 1 ? '' : 's'} called.`,
      );
    }
    const missed = l.slo.filter((c) => !c.met);
    if (l.slo.length > 0) {
      out.push(
        missed.length === 0
          ? `${at}objectives met: ${l.slo.map((c) => c.objective).join(', ')}.`
          : `${at}objectives MISSED: ${missed.map(describeMiss).join(', ')}.`,
      );
    }
  }
  return out;
}

/** The run's setting in one line. */
export function describeRun(report: LoadTestReport): string {
  const s = report.settings;
  const length =
    s.durationSeconds !== null && s.requests !== null
      ? `${s.durationSeconds} s or ${whole(s.requests)} requests`
      : s.durationSeconds !== null
        ? `${s.durationSeconds} s`
        : `${whole(s.requests ?? 0)} requests`;
  const target =
    report.target.kind === 'http'
      ? `the server at ${report.target.where}`
      : `the in-process app and agent pool over ${report.target.where}`;
  return `${report.mix.name} mix (${report.mix.description}) against ${target}; ${length} per level, ramp-up ${s.rampUpSeconds} s, think time ${s.thinkMs} ms. Latency of the successful requests (HDR histogram).`;
}

/** The report as Markdown: the figures, the objectives, the machine and how to reproduce it. */
export function reportMarkdown(report: LoadTestReport): string {
  const table = ({ head, rows }: { head: string[]; rows: string[][] }) => [
    `| ${head.join(' | ')} |`,
    `|${head.map((h, i) => (i === 0 || h === 'request' ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  const kinds = kindRows(report);
  const m = report.machine;
  return `${[
    '# Load test',
    '',
    `${report.date.slice(0, 19).replace('T', ' ')} UTC on ${m.cpus} cores (${m.cpuModel}), Node ${m.node}. ${describeRun(report)}`,
    '',
    ...table(levelRows(report)),
    ...(kinds.rows.length > 0 ? ['', ...table(kinds)] : []),
    '',
    ...notes(report).map((n) => `- ${n}`),
    '',
    `Reproduce: \`${report.command}\``,
  ].join('\n')}\n`;
}
