import {
  BOOLEAN,
  DOUBLE,
  INTEGER,
  LIST,
  VARCHAR,
  listValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';

/** A value that may be bound: scalars, or arrays of strings or numbers (bound as lists). */
export type SqlValue =
  string | number | boolean | null | bigint | readonly string[] | readonly number[];

/** A piece of SQL with its bound values. Compose with `sql`, render with `render`. */
export interface SqlFragment {
  readonly kind: 'sql';
  readonly strings: readonly string[];
  readonly values: readonly (SqlValue | SqlFragment)[];
}

/** SQL text with $1.. placeholders, the values to bind, and their DuckDB types. */
export interface SqlQuery {
  readonly text: string;
  readonly params: DuckDBValue[];
  readonly types: (DuckDBType | undefined)[];
}

/**
 * The only way SQL is written in this project: values interpolated into the template become
 * bound parameters, never text. Nested fragments (`sql\`...\``, `ident(...)`, `join(...)`)
 * compose queries. `sql\`SELECT * FROM t WHERE state = ${s}\`` binds s as $1.
 */
export function sql(
  strings: TemplateStringsArray,
  ...values: (SqlValue | SqlFragment)[]
): SqlFragment {
  return { kind: 'sql', strings: [...strings], values };
}

function isFragment(value: unknown): value is SqlFragment {
  return typeof value === 'object' && value !== null && (value as SqlFragment).kind === 'sql';
}

/** Raw SQL text with no values: only for text chosen by the program (see `ident`). */
function raw(text: string): SqlFragment {
  return { kind: 'sql', strings: [text], values: [] };
}

/**
 * An identifier (column, table, alias) chosen from a closed whitelist. Anything outside the
 * list throws: identifiers can never come from user input.
 */
export function ident(name: string, allowed: readonly string[]): SqlFragment {
  if (!allowed.includes(name)) {
    throw new Error(`identifier ${JSON.stringify(name)} is not one of ${allowed.join(', ')}`);
  }
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new Error(`unsafe identifier ${name}`);
  return raw(name);
}

/** Joins fragments with a separator (', ' or ' AND '); empty input gives empty SQL. */
export function join(
  parts: readonly SqlFragment[],
  separator: ', ' | ' AND ' | ' OR ' | ' UNION ALL ',
): SqlFragment {
  if (parts.length === 0) return raw('');
  const strings = ['', ...parts.slice(1).map(() => separator), ''];
  return { kind: 'sql', strings, values: parts };
}

/** `expr` when cond holds, else nothing: for optional filters. */
export function when(cond: unknown, fragment: SqlFragment): SqlFragment {
  return cond ? fragment : raw('');
}

/** Renders a fragment to text with numbered placeholders and typed parameters. */
export function render(fragment: SqlFragment): SqlQuery {
  let text = '';
  const params: DuckDBValue[] = [];
  const types: (DuckDBType | undefined)[] = [];
  const walk = (f: SqlFragment) => {
    f.strings.forEach((s, i) => {
      text += s;
      if (i >= f.values.length) return;
      const v = f.values[i]!;
      if (isFragment(v)) {
        walk(v);
        return;
      }
      const [value, type] = bindable(v);
      params.push(value);
      types.push(type);
      text += `$${params.length}`;
    });
  };
  walk(fragment);
  return { text: text.trim(), params, types };
}

function bindable(v: SqlValue): [DuckDBValue, DuckDBType | undefined] {
  if (Array.isArray(v)) {
    const items = v as readonly (string | number)[];
    const numeric = items.length > 0 && items.every((x) => typeof x === 'number');
    const allInts = numeric && items.every((x) => isInt32(x));
    const element = !numeric ? VARCHAR : allInts ? INTEGER : DOUBLE;
    return [listValue([...items]), LIST(element)];
  }
  if (typeof v === 'number') return [v, isInt32(v) ? INTEGER : DOUBLE];
  if (typeof v === 'boolean') return [v, BOOLEAN];
  if (typeof v === 'string') return [v, VARCHAR];
  return [v as DuckDBValue, undefined];
}

function isInt32(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 31;
}
