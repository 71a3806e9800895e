/**
 * Value-checked scoring (eval/README.md): a question's gold SQL runs read-only on the database
 * being scored, the question goes through the agent as `landuse ask` sends it, and the answer
 * is compared with the SQL's result by value. Independent of the planner on purpose: it reads
 * only the AskResult (text, tables, tool calls) and the domain vocabulary.
 */
import { z } from 'zod';
import type { AnalyticsService } from '../analytics/open.ts';
import type { Config } from '../config/index.ts';
import {
  answerNumbers,
  firstRankedItem,
  itemMatches,
  itemSpellings,
  numberMatches,
  type CountyName,
} from './eval-match.ts';
import { answerQuestion, createAgent, type AskResult } from './index.ts';

const GOLD_CHECKS = ['value', 'values', 'top', 'decline'] as const;
type GoldCheck = (typeof GOLD_CHECKS)[number];

/** One value-checked line of a question set. */
export const valueQuestionSchema = z.object({
  id: z.string().min(1),
  question: z.string(),
  tags: z.record(z.string(), z.unknown()).default({}),
  // A decline has nothing to compute, so its SQL may be empty or missing.
  gold: z
    .object({ check: z.enum(GOLD_CHECKS), sql: z.string().default('') })
    .refine((g) => g.check === 'decline' || g.sql.trim() !== '', {
      message: 'SQL is required unless the check is decline',
      path: ['sql'],
    }),
});
export type ValueQuestion = z.infer<typeof valueQuestionSchema>;

/** What a value-checked question expected. */
type ValueExpected =
  | { check: 'value'; value: number }
  | { check: 'values'; values: number[] }
  | { check: 'top'; item: string; value?: number }
  | { check: 'decline' };

/** A value-checked question the answer got wrong. */
export interface ValueMiss {
  id: string;
  question: string;
  tags: Record<string, string>;
  /** Undefined when the gold SQL itself failed. */
  expected: ValueExpected | undefined;
  /** What the answer said: its first table row, a text excerpt and the tools it called. */
  got: { firstRow: Record<string, unknown> | null; text: string; tools: string[] } | undefined;
  /** Why it counts as wrong. */
  reason: string;
  /** The error message, when the question or the gold SQL threw. */
  error?: string;
}

/** Correct and total per tag value, by tag key. */
export type TagBreakdown = Record<string, Record<string, { total: number; passed: number }>>;

/** The score of the value-checked lines of a set. */
export interface ValueReport {
  total: number;
  passed: number;
  score: number;
  byTag: TagBreakdown;
  misses: ValueMiss[];
}

/** What scoring needs from outside: the gold SQL runner, the agent, the counties' names. */
export interface ValueScoringDeps {
  /** Runs trusted gold SQL read-only, returning plain rows. */
  runSql: (text: string) => Promise<Record<string, unknown>[]>;
  /** Asks one question on a fresh thread, as `landuse ask` does. */
  ask: (question: string) => Promise<AskResult>;
  /** Called after each question, for progress. */
  onProgress?: (done: number, total: number, id: string) => void;
}

const toNumber = (x: unknown): number | undefined => {
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (typeof x === 'bigint') return Number(x);
  if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
  return undefined;
};

/** The expectation a gold result states, or an error message when it states none. */
function goldExpectation(
  check: GoldCheck,
  rows: readonly Record<string, unknown>[],
): ValueExpected | string {
  if (check === 'decline') return { check };
  if (rows.length === 0) return 'gold SQL returned no rows';
  const first = rows[0]!;
  if (check === 'top') {
    const item = first.item;
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'bigint') {
      return 'gold SQL has no text or number `item` in its first row';
    }
    const value = toNumber(first.value);
    return { check, item: String(item), ...(value !== undefined ? { value } : {}) };
  }
  const values = rows.map((r) => toNumber(r.value));
  const bad = values.findIndex((v) => v === undefined);
  if (bad >= 0) return `gold SQL row ${bad + 1} has no numeric \`value\``;
  return check === 'value' ? { check, value: values[0]! } : { check, values: values as number[] };
}

/** Why an answer does not meet an expectation, or undefined when it does. */
export function checkAnswer(
  expected: ValueExpected,
  answer: Pick<AskResult, 'answer' | 'tables' | 'toolCalls'>,
  counties: ReadonlyMap<string, CountyName>,
): string | undefined {
  if (expected.check === 'decline') {
    if (answer.toolCalls.length > 0) {
      return `called ${answer.toolCalls.map((c) => c.name).join(', ')} instead of declining`;
    }
    return answer.tables.length > 0 ? 'answered with a table instead of declining' : undefined;
  }
  const numbers = answerNumbers(answer);
  const has = (v: number) => numbers.some((n) => numberMatches(v, n));
  if (expected.check === 'value') {
    return has(expected.value) ? undefined : `${fmt(expected.value)} not in the answer`;
  }
  if (expected.check === 'values') {
    const missing = expected.values.filter((v) => !has(v));
    return missing.length === 0
      ? undefined
      : `${missing.length} of ${expected.values.length} values not in the answer: ${missing.slice(0, 5).map(fmt).join(', ')}`;
  }
  const found = firstRankedItem(answer);
  if (!found) return 'no ranked item (no table rows, no bold text)';
  if (!itemMatches(found, itemSpellings(expected.item, counties))) {
    const said =
      'row' in found ? 'the first row of the first table' : `the first bold item **${found.bold}**`;
    return `${said} is not ${expected.item}`;
  }
  if (expected.value !== undefined && !has(expected.value)) {
    return `${expected.item} is first but its value ${fmt(expected.value)} is not in the answer`;
  }
  return undefined;
}

const fmt = (v: number) =>
  v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) < 100 ? 2 : 0 });

function tagsOf(q: ValueQuestion): Record<string, string> {
  return Object.fromEntries(
    Object.entries(q.tags).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.map(String).join(',') : String(v),
    ]),
  );
}

function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The names dim_geography gives counties by FIPS code (anything but 5 digits is skipped). */
export async function lookupCounties(
  runSql: ValueScoringDeps['runSql'],
  fips: readonly string[],
): Promise<Map<string, CountyName>> {
  const out = new Map<string, CountyName>();
  // Only 5-digit codes go into the SQL, so they are safe as literals.
  const codes = fips.filter((f) => /^\d{5}$/.test(f));
  if (codes.length === 0) return out;
  const rows = await runSql(
    `SELECT fips_code, county_name, state_abbrev FROM dim_geography WHERE fips_code IN (${codes.map((f) => `'${f}'`).join(', ')})`,
  );
  for (const r of rows) {
    out.set(String(r.fips_code), { county: String(r.county_name), state: String(r.state_abbrev) });
  }
  return out;
}

/**
 * Scores value-checked questions one by one: the gold SQL, then the question; an answer that
 * throws, or a gold SQL that fails or states nothing, counts as a miss with its message.
 */
export async function scoreValueQuestions(
  questions: readonly ValueQuestion[],
  deps: ValueScoringDeps,
): Promise<ValueReport> {
  const misses: ValueMiss[] = [];
  const byTag: TagBreakdown = {};
  let passed = 0;
  for (const [i, q] of questions.entries()) {
    const miss = await scoreOne(q, deps);
    if (miss) misses.push(miss);
    else passed++;
    for (const [key, value] of Object.entries(tagsOf(q))) {
      const cell = ((byTag[key] ??= {})[value] ??= { total: 0, passed: 0 });
      cell.total++;
      if (!miss) cell.passed++;
    }
    deps.onProgress?.(i + 1, questions.length, q.id);
  }
  const total = questions.length;
  return { total, passed, score: total === 0 ? 1 : passed / total, byTag, misses };
}

async function scoreOne(q: ValueQuestion, deps: ValueScoringDeps): Promise<ValueMiss | undefined> {
  const base = { id: q.id, question: q.question, tags: tagsOf(q) };
  let expected: ValueExpected;
  let counties: Map<string, CountyName>;
  try {
    const rows = q.gold.check === 'decline' ? [] : await deps.runSql(q.gold.sql);
    const e = goldExpectation(q.gold.check, rows);
    if (typeof e === 'string') return { ...base, expected: undefined, got: undefined, reason: e };
    expected = e;
    counties = await lookupCounties(deps.runSql, e.check === 'top' ? [e.item] : []);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      expected: undefined,
      got: undefined,
      reason: 'gold SQL failed',
      error: message,
    };
  }
  let answer: AskResult;
  try {
    answer = await deps.ask(q.question);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, expected, got: undefined, reason: 'the question failed', error: message };
  }
  const reason = checkAnswer(expected, answer, counties);
  if (reason === undefined) return undefined;
  return {
    ...base,
    expected,
    got: {
      firstRow: answer.tables.find((t) => t.rows.length > 0)?.rows[0] ?? null,
      text: excerpt(answer.answer),
      tools: answer.toolCalls.map((c) => c.name),
    },
    reason,
  };
}

/**
 * The production dependencies: gold SQL on the analytics service's read-only pool (the pool
 * prepares each statement and refuses anything but a SELECT), and the agent of `landuse ask`
 * with the offline planner, a fresh thread per question.
 */
export function valueScoringDeps(
  service: AnalyticsService,
  config: Config,
  onProgress?: ValueScoringDeps['onProgress'],
): ValueScoringDeps {
  const { agent, provider } = createAgent(service, { ...config, provider: 'offline' });
  return {
    runSql: async (text) => (await service.pool.query({ text, params: [], types: [] })).rows,
    ask: (question) =>
      answerQuestion({
        agent,
        question,
        provider,
        dataset: service.ctx.dataset,
        timeoutMs: config.maxExecutionTimeSeconds * 1000,
      }),
    ...(onProgress ? { onProgress } : {}),
  };
}

/** What an expectation asks for, in a few words. */
function describeExpected(e: ValueExpected | undefined): string {
  if (!e) return '(gold SQL gave nothing to check)';
  switch (e.check) {
    case 'decline':
      return 'a decline (no tool call, no table)';
    case 'value':
      return fmt(e.value);
    case 'values':
      return e.values.map(fmt).join(', ');
    case 'top':
      return e.value === undefined ? e.item : `${e.item} (${fmt(e.value)})`;
  }
}

/** Per-tag lines: "measure: gain 3/4, loss 2/2". */
export function formatTagBreakdown(byTag: TagBreakdown): string[] {
  return Object.entries(byTag)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([key, values]) =>
        `  ${key}: ${Object.entries(values)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([v, c]) => `${v} ${c.passed}/${c.total}`)
          .join(', ')}`,
    );
}

/** Each miss: the question, what was expected, what the answer said and why it is wrong. */
export function formatMisses(misses: readonly ValueMiss[]): string[] {
  const lines: string[] = [];
  for (const m of misses) {
    lines.push(`- ${m.id}: ${m.question}`, `    expected ${describeExpected(m.expected)}`);
    if (m.got) {
      const row = m.got.firstRow ? JSON.stringify(m.got.firstRow) : '(no table)';
      lines.push(`    got      ${row}`, `             "${m.got.text}"`);
    }
    lines.push(`    why      ${m.reason}${m.error ? `: ${m.error}` : ''}`);
  }
  return lines;
}
