/**
 * The load tester behind `landuse loadtest`: virtual users sending a mix of requests to the
 * in-process app or a server, levels in turn, an HDR latency histogram, the server's memory and
 * CPU, and service level objectives a release can be gated on.
 */
import type { Config } from '../config/index.ts';
import { distinctMix, fileMix, realisticMix, type Mix } from './mixes.ts';
import type { LoadTestPlan } from './options.ts';
import { machine, type LevelReport, type LoadTestReport } from './report.ts';
import { runLevel, type LiveFigures } from './runner.ts';
import { evaluateSlo } from './slo.ts';
import { openHttpTarget, openInProcessTarget, type Target } from './targets.ts';

export { LatencyHistogram, type LatencySummary } from './histogram.ts';
export { distinctMix, fileMix, parseQuestions, realisticMix, type Mix } from './mixes.ts';
export { LEVELS, resolvePlan, type LoadTestOptions, type LoadTestPlan } from './options.ts';
export { distinctQuestions, uniqueQuestions } from './questions.ts';
export {
  describeRun,
  kindRows,
  levelRows,
  misses,
  notes,
  reportMarkdown,
  type LoadTestReport,
} from './report.ts';
export type { LiveFigures } from './runner.ts';
export { evaluateSlo, type Slo, type SloCheck } from './slo.ts';

export async function openMix(plan: LoadTestPlan): Promise<Mix> {
  switch (plan.mix.kind) {
    case 'realistic':
      return realisticMix();
    case 'distinct':
      return distinctMix();
    case 'file':
      return fileMix(plan.mix.path);
  }
}

export function openTarget(plan: LoadTestPlan, config: Config): Promise<Target> {
  return plan.target.kind === 'http'
    ? openHttpTarget(plan.target.url, {
        timeoutMs: plan.timeoutMs,
        ...(plan.target.apiKey ? { apiKey: plan.target.apiKey } : {}),
      })
    : openInProcessTarget({ ...config, ...(plan.target.db ? { dbPath: plan.target.db } : {}) });
}

/**
 * Runs each level of the plan in turn against one target with one mix (the distinct mix's
 * questions never repeat across the levels either), and judges each on the objectives.
 */
export async function runLoadTest(
  plan: LoadTestPlan,
  config: Config,
  options: {
    command: string;
    onLevel?: (users: number, index: number) => void;
    onTick?: (live: LiveFigures) => void;
    stop?: AbortSignal;
    /** A mix to go on with (a distinct mix carried over from an earlier run never repeats). */
    mix?: Mix;
  },
): Promise<LoadTestReport> {
  const mix = options.mix ?? (await openMix(plan));
  const target = await openTarget(plan, config);
  const levels: LevelReport[] = [];
  try {
    for (const [index, users] of plan.levels.entries()) {
      if (options.stop?.aborted) break;
      options.onLevel?.(users, index);
      const result = await runLevel(
        target,
        mix,
        {
          users,
          rampUpSeconds: plan.rampUpSeconds,
          thinkMs: plan.thinkMs,
          ...(plan.durationSeconds !== undefined ? { durationSeconds: plan.durationSeconds } : {}),
          ...(plan.requests !== undefined ? { requests: plan.requests } : {}),
        },
        {
          ...(options.onTick ? { onTick: options.onTick } : {}),
          ...(options.stop ? { stop: options.stop } : {}),
        },
      );
      const slo = evaluateSlo(plan.slo, result);
      levels.push({ ...result, slo, met: slo.every((c) => c.met) });
    }
  } finally {
    await target.close();
  }
  return {
    date: new Date().toISOString(),
    machine: machine(),
    command: options.command,
    target: { kind: target.kind, where: target.where },
    mix: { name: mix.name, description: mix.description },
    settings: {
      rampUpSeconds: plan.rampUpSeconds,
      durationSeconds: plan.durationSeconds ?? null,
      requests: plan.requests ?? null,
      thinkMs: plan.thinkMs,
    },
    slo: plan.slo,
    levels,
    met: levels.every((l) => l.met),
  };
}
