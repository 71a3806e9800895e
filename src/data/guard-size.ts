/**
 * The guard's bound on values a query makes up out of nothing. `SELECT repeat('x', 500000000)` is
 * 62 bytes of SQL and a 500 MB string, and DuckDB builds that string in its own memory (outside
 * `memory_limit`, which does not count string heaps) before the first chunk reaches JavaScript:
 * measured on the demo database, four at once took the process from 0.1 to 7.2 GB, with or
 * without a 256 MB memory_limit. So no result-side byte count or wrapper can stop it; only
 * refusing the statement can. Functions whose output size is set by an argument (repeat, lpad,
 * rpad, scalar range and generate_series, list_resize, bar, printf/format widths) must get that
 * size as a number written in the query, nested generators are refused (repeat(repeat(...))
 * multiplies), and the sizes of all of them in one statement add up to at most
 * `maxGeneratedLength`. DuckDB works on chunks of 2,048 rows, so that total bounds a chunk to
 * about 2,048 x maxGeneratedLength bytes (200 MB at the default) per running query.
 *
 * What this cannot see: aggregates over many rows (string_agg over range(1e9)) grow with the
 * rows they read; the SQL timeout and the free-SQL concurrency limit bound those.
 */
import type { TreeRejection } from './guard-tree.ts';

/** The default bound on the total size of generated values in one statement (characters). */
const MAX_GENERATED_LENGTH = 100_000;

/** A string argument that is not a literal (a column) is assumed this long in the estimate. */
const ASSUMED_TEXT_LENGTH = 100;

type JsonObject = Record<string, unknown>;

/** The first generated value over the bound, or undefined when the statement is within it. */
export function findOversizedGeneration(
  statement: unknown,
  maxGeneratedLength = MAX_GENERATED_LENGTH,
): TreeRejection | undefined {
  const state = { total: 0, max: maxGeneratedLength };
  return visit(statement, false, state);
}

function visit(
  value: unknown,
  insideGenerator: boolean,
  state: { total: number; max: number },
): TreeRejection | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = visit(item, insideGenerator, state);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;
  // A table function (FROM range(1e12)) streams its rows: the row limit and timeout bound it.
  // Its arguments are still expressions and are checked.
  if (value.type === 'TABLE_FUNCTION' && isObject(value.function)) {
    const { function: fn, ...rest } = value;
    return visit(fn.children, insideGenerator, state) ?? visit(rest, insideGenerator, state);
  }
  let inside = insideGenerator;
  if (value.class === 'FUNCTION' && typeof value.function_name === 'string') {
    const name = value.function_name.toLowerCase();
    const children = Array.isArray(value.children) ? (value.children as unknown[]) : [];
    const size = generatedSize(name, children);
    if (size !== undefined) {
      if (insideGenerator) {
        return refuse(
          `${name} inside another function that generates values multiplies their size`,
          state.max,
        );
      }
      if (size === 'unknown') {
        return refuse(
          `${name} needs its length or count written as a number in the query`,
          state.max,
        );
      }
      state.total += size;
      if (state.total > state.max) {
        return refuse(
          `${name} would make a value of about ${Math.round(size).toLocaleString('en-US')} characters or elements`,
          state.max,
        );
      }
      inside = true;
    }
  }
  for (const child of Object.values(value)) {
    const found = visit(child, inside, state);
    if (found) return found;
  }
  return undefined;
}

/**
 * The size of the value `name(children)` makes: undefined when it is not a generator,
 * 'unknown' when its size argument is not a number written in the query.
 */
function generatedSize(name: string, children: unknown[]): number | 'unknown' | undefined {
  const n = (i: number) => constantNumber(children[i]);
  switch (name) {
    case 'repeat': {
      const count = n(1);
      if (count === undefined) return 'unknown';
      const text = constantText(children[0]);
      return Math.max(0, count) * Math.max(1, text?.length ?? ASSUMED_TEXT_LENGTH);
    }
    case 'lpad':
    case 'rpad':
    case 'list_resize':
    case 'array_resize': {
      const length = n(1);
      return length === undefined ? 'unknown' : Math.max(0, length);
    }
    case 'range':
    case 'generate_series': {
      const args = children.map((_, i) => n(i));
      if (args.length === 0 || args.some((a) => a === undefined)) return 'unknown';
      const [a = 0, b, step = 1] = args as number[];
      const [start, stop] = b === undefined ? [0, a] : [a, b];
      return step === 0 ? 0 : Math.max(0, Math.abs(stop - start) / Math.abs(step));
    }
    case 'bar': {
      if (children.length < 4) return 80;
      const width = n(3);
      return width === undefined ? 'unknown' : Math.max(0, width);
    }
    case 'printf':
    case 'format':
    case 'sprintf': {
      // A width in the format string ('%500000000s', '{:>500000000}') pads to that size.
      const pattern = constantText(children[0]);
      if (pattern === undefined) return undefined;
      const widths = [...pattern.matchAll(/\d+/g)].map((m) => Number(m[0]));
      return widths.reduce((sum, w) => sum + w, 0);
    }
    default:
      return undefined;
  }
}

/** A number written in the query, possibly cast (`5e8::INTEGER`) or negated. */
function constantNumber(node: unknown): number | undefined {
  if (!isObject(node)) return undefined;
  if (node.class === 'CAST') return constantNumber(node.child);
  if (node.class !== 'CONSTANT' || !isObject(node.value) || node.value.is_null === true) {
    return undefined;
  }
  const raw = node.value.value;
  const number = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  return Number.isFinite(number) ? number : undefined;
}

function constantText(node: unknown): string | undefined {
  if (!isObject(node)) return undefined;
  if (node.class === 'CAST') return constantText(node.child);
  if (node.class !== 'CONSTANT' || !isObject(node.value)) return undefined;
  return typeof node.value.value === 'string' ? node.value.value : undefined;
}

function refuse(what: string, max: number): TreeRejection {
  return {
    code: 'sql:too_large',
    reason: `${what}; values made by repeat, lpad, rpad, range, list_resize, bar and format widths may add up to ${max.toLocaleString('en-US')} per row in one query.`,
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
