import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../../domain/index.ts';
import {
  describeRun,
  kindRows,
  levelRows,
  misses,
  notes,
  reportMarkdown,
  resolvePlan,
  runLoadTest,
  type LiveFigures,
  type LoadTestOptions,
  type LoadTestReport,
} from '../../loadtest/index.ts';
import { progressBar } from '../../terminal/progress.ts';
import { cliConfig } from '../context.ts';
import { table } from '../format.ts';

export type { LoadTestOptions } from '../../loadtest/index.ts';

/**
 * `landuse loadtest`: virtual users against the in-process agent pool (default) or a server
 * (--url); the report as a table, JSON or Markdown; exit 1 when an objective is missed, 2 for a
 * bad option.
 */
export async function loadtestCommand(opts: LoadTestOptions, argv: string[]): Promise<void> {
  const plan = resolvePlan(opts);
  const config = cliConfig();
  const live = !plan.json && process.stderr.isTTY;
  const bar = live ? progressBar('loadtest') : undefined;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  let report: LoadTestReport;
  try {
    report = await runLoadTest(plan, config, {
      command: `npx landuse ${argv.join(' ')}`,
      stop: stop.signal,
      onLevel: (users, index) => {
        if (plan.json) return;
        const of = plan.levels.length > 1 ? `level ${index + 1}/${plan.levels.length}: ` : '';
        const length =
          plan.durationSeconds !== undefined
            ? `${plan.durationSeconds} s`
            : `${plan.requests} requests`;
        const line = `${of}${users} users, ${length}`;
        if (!live) process.stderr.write(`loadtest: ${line}\n`);
      },
      ...(bar ? { onTick: (f: LiveFigures) => bar.update(fraction(f), liveLine(f)) } : {}),
    });
  } finally {
    bar?.stop();
    process.off('SIGINT', onSignal);
  }
  if (plan.markdown) {
    await mkdir(dirname(plan.markdown), { recursive: true });
    await writeFile(plan.markdown, reportMarkdown(report));
  }
  process.stdout.write(plan.json ? `${JSON.stringify(report, null, 2)}\n` : presentReport(report));
  if (stop.signal.aborted) {
    throw new AppError('loadtest:interrupted', 'Interrupted: the figures above are partial.');
  }
  const missed = misses(report);
  if (missed.length > 0) {
    throw new AppError('loadtest:slo_missed', `Objectives missed: ${missed.join('; ')}.`);
  }
}

/** How far a level is, by time or by requests, whichever ends it first. */
function fraction(f: LiveFigures): number {
  const byTime = f.durationSeconds ? f.elapsedSeconds / f.durationSeconds : 0;
  const byCount = f.requests ? f.done / f.requests : 0;
  return Math.min(1, Math.max(byTime, byCount));
}

/** `10 users · 12.3 s · 1,234 requests · 98.1/s · p95 123 ms · 0 failed` */
function liveLine(f: LiveFigures): string {
  return [
    `${f.users} users`,
    `${f.elapsedSeconds.toFixed(1)} s`,
    `${f.done.toLocaleString('en-US')} requests`,
    `${f.requestsPerSecond.toFixed(1)}/s`,
    `p95 ${f.p95Ms.toFixed(0)} ms`,
    `${f.failed.toLocaleString('en-US')} failed`,
  ].join(' · ');
}

function presentReport(report: LoadTestReport): string {
  const main = levelRows(report);
  const kinds = kindRows(report);
  return `${[
    describeRun(report),
    '',
    table(main.head, main.rows),
    ...(kinds.rows.length > 0 ? ['', table(kinds.head, kinds.rows)] : []),
    '',
    ...notes(report),
  ].join('\n')}\n`;
}
