import { openAnalytics } from '../../analytics/open.ts';
import {
  DEV_SET,
  evaluate,
  evaluateSet,
  formatReport,
  formatSetReport,
  loadEvalSet,
} from '../../agent/eval.ts';
import { valueScoringDeps } from '../../agent/eval-values.ts';
import { AppError } from '../../domain/index.ts';
import { cliConfig } from '../context.ts';
import { progressBar } from '../../terminal/progress.ts';

/**
 * `landuse eval`: scores the offline planner on a question set. Tool-checked lines: the tool
 * must match and every listed argument must match (arrays as sets). Value-checked lines: each
 * question is answered on the database (`--db`) and its values compared with the gold SQL's.
 * `--min` makes a score below it exit 1.
 */
export async function evalCommand(opts: {
  set?: string;
  json?: boolean;
  min?: number;
  db?: string;
}): Promise<void> {
  const set = opts.set ?? DEV_SET;
  const lines = loadEvalSet(set);
  let score: number;
  if (lines.value.length === 0) {
    // Tool-checked only: planned calls, no database, the report as it always was.
    const report = evaluate(lines.tool);
    score = report.score;
    process.stdout.write(
      opts.json ? `${JSON.stringify(report)}\n` : `${set}\n${formatReport(report)}\n`,
    );
  } else {
    const config = cliConfig();
    const service = await openAnalytics(config, { path: opts.db, poolSize: 1 });
    const bar = progressBar('eval');
    try {
      const step = process.stderr.isTTY ? 1 : Math.max(1, Math.round(lines.value.length / 10));
      const deps = valueScoringDeps(service, config, (done, total, id) => {
        if (done % step === 0 || done === total) bar.update(done / total, `${done}/${total} ${id}`);
      });
      const report = await evaluateSet(lines, deps);
      score = report.score;
      bar.stop();
      process.stdout.write(
        opts.json ? `${JSON.stringify(report)}\n` : `${set}\n${formatSetReport(report)}\n`,
      );
    } finally {
      bar.stop();
      await service.close();
    }
  }
  if (opts.min !== undefined && score < opts.min) {
    throw new AppError(
      'eval:below_min',
      `Score ${(score * 100).toFixed(1)}% is below the minimum ${(opts.min * 100).toFixed(1)}%.`,
    );
  }
}
