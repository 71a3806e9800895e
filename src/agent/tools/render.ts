/**
 * What a model sees of a tool result: the title, scenario, years and place, a small aligned
 * table, the key figures and the notes. Cheap in tokens; the full result stays with the answer.
 * Never the SQL.
 */
import type { AnalyticsResult, Cell } from '../../analytics/index.ts';
import { isDocumentsResult, isSqlTable, type SqlTable, type ToolArtifact } from './types.ts';

/** Longest text before rows are dropped (about 350 tokens). */
const BUDGET = 1400;
/** Widest cell: room for a list in a two-column table (the data summary), less in wide ones. */
const cellWidth = (columns: number) => (columns <= 2 ? 72 : 32);
/** Numbers that are labels, not quantities (years, ranks, ids): no separators, no rounding. */
const isLabel = (key: string) =>
  /^(year|rank|fips|fips_code|at_year|start_year|end_year)$|(^|_)id$/.test(key);

/** "1,234,568" for acres and counts; "12.3%" for percents; years as they are. */
function formatValue(v: Cell | undefined, key: string, unit = ''): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (unit.includes('percent') || key.endsWith('_pct')) return `${v.toFixed(1)}%`;
  if (isLabel(key)) return String(v);
  if (unit === 'acres' || Math.abs(v) >= 10 || Number.isInteger(v)) {
    return Math.round(v).toLocaleString('en-US');
  }
  return String(Math.round(v * 100) / 100);
}

function yearsLine(y: AnalyticsResult['years']): string {
  if (y.kind === 'point') return `Year: ${y.start} (point in time)`;
  const span = y.start === y.end ? String(y.start) : `${y.start}-${y.end}`;
  return y.kind === 'horizon' ? `Years: ${span} (change over the period)` : `Years: ${span}`;
}

function clip(s: string, width: number): string {
  return s.length > width ? `${s.slice(0, width - 1)}…` : s;
}

/** An aligned text table: numbers right, text left, "… N more rows" when cut. */
function textTable(
  columns: readonly string[],
  rows: readonly Record<string, Cell>[],
  units: Readonly<Record<string, string>>,
  maxRows: number,
): string {
  if (columns.length === 0 || rows.length === 0) return '(no rows)';
  const shown = rows.slice(0, Math.max(0, maxRows));
  const width = cellWidth(columns.length);
  const cells = shown.map((r) => columns.map((c) => clip(formatValue(r[c], c, units[c]), width)));
  // Right-aligned only when every value is a number: a mixed column reads better left-aligned.
  const numeric = columns.map((c) =>
    shown.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [line([...columns]), ...cells.map(line)];
  if (rows.length > shown.length) lines.push(`… ${rows.length - shown.length} more rows`);
  return lines.join('\n');
}

function figuresLine(figures: AnalyticsResult['figures']): string {
  const parts = Object.entries(figures).map(
    ([k, v]) => `${k.replace(/_/g, ' ')}: ${formatValue(v, k)}`,
  );
  return parts.length ? `Key figures (areas in acres): ${parts.join('; ')}` : '';
}

/**
 * A domain query's result as compact text for the model. Shows at most `maxRows` rows, fewer if
 * the text would grow past about 350 tokens.
 */
export function compactText(result: AnalyticsResult, maxRows = 12): string {
  const head = [
    result.title,
    `Scenario: ${result.scenario.join(', ')} | ${yearsLine(result.years)} | Where: ${result.geography.label}`,
  ];
  const tail = [figuresLine(result.figures), ...result.notes.map((n) => `Note: ${n}`)];
  let rows = Math.min(maxRows, result.rows.length);
  for (;;) {
    const table = textTable(result.columns, result.rows, result.units, rows);
    const text = [...head, table, ...tail].filter(Boolean).join('\n');
    if (text.length <= BUDGET || rows <= 3) return text;
    rows = Math.max(3, rows - Math.ceil(rows / 4));
  }
}

/** run_sql's rows as compact text: a count, the table, and whether the limit cut it short. */
export function compactSqlText(table: SqlTable, maxRows = 12): string {
  const count = `${table.rows.length} row${table.rows.length === 1 ? '' : 's'}${table.truncated ? ` (cut at the limit of ${table.limit}; more exist)` : ''}`;
  let rows = Math.min(maxRows, table.rows.length);
  for (;;) {
    const text = [`SQL result: ${count}`, textTable(table.columns, table.rows, {}, rows)].join(
      '\n',
    );
    if (text.length <= BUDGET || rows <= 3) return text;
    rows = Math.max(3, rows - Math.ceil(rows / 4));
  }
}

/** One table of an answer, as the API, the chat stream and the CLI show it. */
export interface AnswerTable {
  title: string;
  columns: string[];
  rows: Record<string, unknown>[];
}

/** Figures that describe the query rather than state a quantity. */
const BOOKKEEPING = new Set(['rows', 'measure', 'unit', 'metric']);

/**
 * The tables of one tool call: its rows, then its key figures (totals, rates, differences,
 * ratios, changes) as a `figure | value` table, so every number an answer states is in a table
 * a user can read and export.
 */
export function answerTables(artifact: Pick<ToolArtifact, 'result'>): AnswerTable[] {
  const { result } = artifact;
  // Passages are not a table: the answer quotes them and lists them as its sources.
  if (isDocumentsResult(result)) return [];
  const main = { title: result.title, columns: result.columns, rows: result.rows };
  if (isSqlTable(result)) return [main];
  const figures = Object.entries(result.figures)
    .filter(([k, v]) => v !== null && !BOOKKEEPING.has(k))
    .map(([k, v]) => ({ figure: k.replace(/_/g, ' '), value: v }));
  if (figures.length === 0) return [main];
  return [
    main,
    { title: `Key figures: ${result.title}`, columns: ['figure', 'value'], rows: figures },
  ];
}

/** A knowledge document an answer drew on: served at `ref` (/knowledge/<doc>#<section>). */
export interface AnswerSource {
  /** The document's title. */
  title: string;
  section: string;
  ref: string;
}

/** The passages of a turn's document searches as sources, each section once, in order found. */
export function answerSources(artifacts: readonly Pick<ToolArtifact, 'result'>[]): AnswerSource[] {
  const seen = new Map<string, AnswerSource>();
  for (const a of artifacts) {
    if (!isDocumentsResult(a.result)) continue;
    for (const p of a.result.passages) {
      if (!seen.has(p.ref)) seen.set(p.ref, { title: p.title, section: p.section, ref: p.ref });
    }
  }
  return [...seen.values()];
}
