/**
 * Scores a planner on a question set. Tool-checked lines (`expect`): per question, 1 when the
 * tool matches and every expected argument matches (arrays as sets, strings without regard to
 * case, numbers exactly); arguments the planner adds beyond those listed do not count against
 * it. Value-checked lines (`gold`) are scored by the answer's values (eval-values.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../domain/index.ts';
import {
  formatMisses,
  formatTagBreakdown,
  scoreValueQuestions,
  valueQuestionSchema,
  type ValueQuestion,
  type ValueReport,
  type ValueScoringDeps,
} from './eval-values.ts';
import { planQuestion, TOOL_NAMES, type Plan } from './planner/index.ts';

/** The development question set shipped with the project. */
export const DEV_SET = join(import.meta.dirname, '..', '..', 'eval', 'dev-questions.jsonl');

/** One line of a question set (eval/dev-questions.jsonl). */
export const evalQuestionSchema = z.object({
  id: z.string().min(1),
  question: z.string(),
  expect: z.object({
    tool: z.enum(TOOL_NAMES),
    args: z.record(z.string(), z.unknown()).default({}),
  }),
});
/** One question with the tool call expected for it. */
export type EvalQuestion = z.infer<typeof evalQuestionSchema>;

/** A question the planner got wrong, with what it expected and what it got. */
interface EvalFailure {
  id: string;
  question: string;
  expected: EvalQuestion['expect'];
  /** The planned tool call, or the refusal's reason. */
  got: { tool: string; args: Record<string, unknown> } | { decline: string };
}

/** The score of a question set. */
export interface EvalReport {
  total: number;
  passed: number;
  /** passed / total (1 for an empty set). */
  score: number;
  failures: EvalFailure[];
}

/** Whether a planned value matches an expected one: sets for arrays, case-free strings. */
export function valuesMatch(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return false;
    const norm = (xs: unknown[]) =>
      new Set(xs.map((x) => (typeof x === 'string' ? x.toLowerCase() : JSON.stringify(x))));
    const a = norm(expected);
    const b = norm(actual);
    return a.size === b.size && [...a].every((x) => b.has(x));
  }
  if (typeof expected === 'string') {
    return typeof actual === 'string' && expected.toLowerCase() === actual.toLowerCase();
  }
  if (typeof expected === 'number') return actual === expected;
  return JSON.stringify(expected) === JSON.stringify(actual);
}

function passes(q: EvalQuestion, plan: Plan): boolean {
  if (plan.kind !== 'tool' || plan.tool !== q.expect.tool) return false;
  const args = plan.args as Record<string, unknown>;
  return Object.entries(q.expect.args).every(([key, value]) => valuesMatch(value, args[key]));
}

/** Plans every question and scores the plans against the expectations. */
export function evaluate(
  questions: readonly EvalQuestion[],
  plan: (question: string) => Plan = planQuestion,
): EvalReport {
  const failures: EvalFailure[] = [];
  for (const q of questions) {
    const p = plan(q.question);
    if (passes(q, p)) continue;
    failures.push({
      id: q.id,
      question: q.question,
      expected: q.expect,
      got:
        p.kind === 'tool'
          ? { tool: p.tool, args: p.args as Record<string, unknown> }
          : { decline: p.reason },
    });
  }
  const total = questions.length;
  const passed = total - failures.length;
  return { total, passed, score: total === 0 ? 1 : passed / total, failures };
}

/** Parses a JSONL question set of tool-checked lines; a bad line is an error naming its line. */
export function parseQuestionSet(text: string, source = 'question set'): EvalQuestion[] {
  return parseLines(text, source, () => evalQuestionSchema);
}

/** The lines of a question set by kind, each in file order. */
interface EvalSet {
  tool: EvalQuestion[];
  value: ValueQuestion[];
}

/**
 * Parses a JSONL question set that may mix tool-checked lines (`expect`) and value-checked
 * lines (`gold`); a line with `gold` is value-checked. A bad line names its line number.
 */
export function parseEvalSet(text: string, source = 'question set'): EvalSet {
  const lines = parseLines<EvalQuestion | ValueQuestion>(text, source, (json) =>
    typeof json === 'object' && json !== null && 'gold' in json
      ? valueQuestionSchema
      : evalQuestionSchema,
  );
  return {
    tool: lines.filter((l): l is EvalQuestion => 'expect' in l),
    value: lines.filter((l): l is ValueQuestion => 'gold' in l),
  };
}

function parseLines<T>(
  text: string,
  source: string,
  schemaFor: (json: unknown) => z.ZodType<T, unknown>,
): T[] {
  const out: T[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (cause) {
      throw new AppError('bad_request:question_set', `${source} line ${i + 1}: not valid JSON.`, {
        cause,
      });
    }
    const r = schemaFor(json).safeParse(json);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const field = issue.path.join('.') || 'line';
      throw new AppError(
        'bad_request:question_set',
        `${source} line ${i + 1}: ${field}: ${issue.message}.`,
      );
    }
    out.push(r.data);
  });
  return out;
}

/** Reads and validates a JSONL question set of tool-checked lines from a file. */
export function loadQuestionSet(path: string): EvalQuestion[] {
  return parseQuestionSet(readFileSync(path, 'utf8'), path);
}

/** Reads and validates a JSONL question set of either kind of line from a file. */
export function loadEvalSet(path: string): EvalSet {
  return parseEvalSet(readFileSync(path, 'utf8'), path);
}

/** The score of a set that may mix both kinds of line, with each kind's own report. */
export interface SetReport {
  total: number;
  passed: number;
  /** passed / total (1 for an empty set). */
  score: number;
  kinds: { tool: { total: number; passed: number }; value: { total: number; passed: number } };
  tool: EvalReport;
  value: ValueReport;
}

/**
 * Scores a set of either kind: tool-checked lines by the planned call, value-checked lines by
 * the answers' values (`deps`: the gold SQL runner and the agent; needed only for those).
 */
export async function evaluateSet(
  set: EvalSet,
  deps: ValueScoringDeps | undefined,
  plan: (question: string) => Plan = planQuestion,
): Promise<SetReport> {
  const tool = evaluate(set.tool, plan);
  if (set.value.length > 0 && !deps) {
    throw new AppError(
      'eval:no_agent',
      'Value-checked questions need a database and an agent to score them.',
    );
  }
  const value = deps
    ? await scoreValueQuestions(set.value, deps)
    : { total: 0, passed: 0, score: 1, byTag: {}, misses: [] };
  const total = tool.total + value.total;
  const passed = tool.passed + value.passed;
  return {
    total,
    passed,
    score: total === 0 ? 1 : passed / total,
    kinds: {
      tool: { total: tool.total, passed: tool.passed },
      value: { total: value.total, passed: value.passed },
    },
    tool,
    value,
  };
}

/** A short text summary: the score, then each failure with what was expected and what came. */
export function formatReport(report: EvalReport): string {
  const pct = (report.score * 100).toFixed(1);
  const lines = [`${report.passed}/${report.total} passed (${pct}%)`];
  if (report.failures.length > 0) lines.push('', 'Failures:');
  for (const f of report.failures) {
    const got =
      'decline' in f.got
        ? `decline (${f.got.decline})`
        : `${f.got.tool} ${JSON.stringify(f.got.args)}`;
    lines.push(
      `- ${f.id}: ${f.question}`,
      `    expected ${f.expected.tool} ${JSON.stringify(f.expected.args)}`,
      `    got      ${got}`,
    );
  }
  return lines.join('\n');
}

/**
 * A set's report as text: the score, the count per kind, the per-tag breakdown of the
 * value-checked lines, then the failures of each kind.
 */
export function formatSetReport(report: SetReport): string {
  const pct = (n: number, d: number) => (d === 0 ? 100 : (n / d) * 100).toFixed(1);
  const { tool, value } = report.kinds;
  const lines = [
    `${report.passed}/${report.total} passed (${pct(report.passed, report.total)}%)`,
    `  tool-checked:  ${tool.passed}/${tool.total}`,
    `  value-checked: ${value.passed}/${value.total}`,
  ];
  const tags = formatTagBreakdown(report.value.byTag);
  if (tags.length > 0) lines.push('', 'By tag (value-checked):', ...tags);
  if (report.tool.failures.length > 0) {
    // The tool-checked failures exactly as formatReport lists them.
    const text = formatReport(report.tool);
    lines.push('', 'Tool-checked failures:', ...text.split('\n').slice(3));
  }
  if (report.value.misses.length > 0) {
    lines.push('', 'Value-checked misses:', ...formatMisses(report.value.misses));
  }
  return lines.join('\n');
}
