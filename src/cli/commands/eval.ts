import { join } from 'node:path';
import { evaluate, formatReport, loadQuestionSet } from '../../agent/eval.ts';
import { AppError } from '../../domain/index.ts';

/** The development question set shipped with the project. */
export const DEV_SET = join(import.meta.dirname, '..', '..', '..', 'eval', 'dev-questions.jsonl');

/**
 * `landuse eval`: scores the offline planner on a question set (the tool must match and every
 * listed argument must match, arrays as sets). `--min` makes a score below it exit 1.
 */
export function evalCommand(opts: { set?: string; json?: boolean; min?: number }): void {
  const set = opts.set ?? DEV_SET;
  const report = evaluate(loadQuestionSet(set));
  process.stdout.write(
    opts.json ? `${JSON.stringify(report)}\n` : `${set}\n${formatReport(report)}\n`,
  );
  if (opts.min !== undefined && report.score < opts.min) {
    throw new AppError(
      'eval:below_min',
      `Score ${(report.score * 100).toFixed(1)}% is below the minimum ${(opts.min * 100).toFixed(1)}%.`,
    );
  }
}
