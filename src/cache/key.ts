import { createHash } from 'node:crypto';

/** What a cached result depends on. */
interface CacheKeyParts {
  /** The SQL text as sent to DuckDB. */
  readonly sql: string;
  /** Its bound parameters, in order. */
  readonly params: readonly unknown[];
  /** The database's identity (`databaseFingerprint`), so a reloaded database misses. */
  readonly fingerprint: string;
  /** Key prefix that separates kinds of entries in a shared store (default 'q'). */
  readonly namespace?: string;
}

/** Hex digits of sha256 kept in a key: 128 bits, far beyond any chance of collision. */
const HASH_HEX_DIGITS = 32;

/**
 * A short, stable key for a query result: `namespace:hex`. Queries that differ only in runs of
 * whitespace outside literals share a key; any difference in a literal, a parameter (value or
 * type), the fingerprint or the namespace gives another key.
 */
export function cacheKey(parts: CacheKeyParts): string {
  const namespace = parts.namespace ?? 'q';
  if (!/^\S+$/.test(namespace)) {
    throw new RangeError(`a cache namespace must be non-empty, without spaces: ${namespace}`);
  }
  // A JSON array keeps the parts apart: no fingerprint or SQL text can run into the next part.
  // The leading version changes whenever the key scheme does, so old shared entries miss.
  const material = JSON.stringify([
    1,
    parts.fingerprint,
    normalizeSql(parts.sql),
    stableSerialize(parts.params),
  ]);
  const hash = createHash('sha256').update(material).digest('hex').slice(0, HASH_HEX_DIGITS);
  return `${namespace}:${hash}`;
}

// SQL's whitespace; not \s, because DuckDB reads a no-break space as part of an identifier.
const SQL_SPACE = /[ \t\n\r\f\v]/;
const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_QUOTE = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/**
 * Collapses each run of whitespace outside literals and comments to one space and trims the
 * ends. String literals ('...', E'...', $tag$...$tag$), quoted identifiers and block comments
 * are kept exactly; case is kept, since it matters inside identifiers and literals. A line
 * comment keeps the newline that ends it, or the rest of the query would become comment.
 */
export function normalizeSql(sql: string): string {
  let out = '';
  let space = false;
  const emit = (text: string): void => {
    if (space && out !== '' && !out.endsWith('\n')) out += ' ';
    space = false;
    out += text;
  };

  let i = 0;
  while (i < sql.length) {
    const c = sql.charAt(i);
    const next = sql.charAt(i + 1);
    const dollarTag =
      c === '$' && (i === 0 || !IDENT_CHAR.test(sql.charAt(i - 1)))
        ? dollarTagAt(sql, i)
        : undefined;
    let end: number;
    if (SQL_SPACE.test(c)) {
      space = true;
      i++;
      continue;
    } else if (c === "'") {
      const escapes =
        i > 0 && /[eE]/.test(sql.charAt(i - 1)) && (i < 2 || !IDENT_CHAR.test(sql.charAt(i - 2)));
      end = quotedEnd(sql, i, "'", escapes);
    } else if (c === '"') {
      end = quotedEnd(sql, i, '"', false);
    } else if (dollarTag !== undefined) {
      const close = sql.indexOf(dollarTag, i + dollarTag.length);
      end = close === -1 ? sql.length : close + dollarTag.length;
    } else if (c === '-' && next === '-') {
      let eol = i;
      while (eol < sql.length && !/[\n\r]/.test(sql.charAt(eol))) eol++;
      // Trailing blanks of a comment are whitespace too; its end of line is kept as one '\n'.
      emit(sql.slice(i, eol).replace(/[ \t\f\v]+$/, '') + (eol < sql.length ? '\n' : ''));
      i = eol;
      continue;
    } else if (c === '/' && next === '*') {
      end = blockCommentEnd(sql, i);
    } else {
      end = i + 1;
    }
    emit(sql.slice(i, end));
    i = end;
  }
  // A line comment at the very end needs no newline to end it.
  return out.endsWith('\n') ? out.slice(0, -1) : out;
}

/** The `$tag$` (or `$$`) opening a dollar-quoted string at `i`, if one does; `$1` is not one. */
function dollarTagAt(sql: string, i: number): string | undefined {
  DOLLAR_QUOTE.lastIndex = i;
  return DOLLAR_QUOTE.test(sql) ? sql.slice(i, DOLLAR_QUOTE.lastIndex) : undefined;
}

/** The index after the literal opened at `start`; doubled quotes (and \x when `escapes`) stay inside. */
function quotedEnd(sql: string, start: number, quote: string, escapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql.charAt(i);
    if (escapes && c === '\\') i += 2;
    else if (c !== quote) i++;
    else if (sql.charAt(i + 1) === quote) i += 2;
    else return i + 1;
  }
  return sql.length; // unterminated: the rest is kept as it is
}

/** The index after the block comment opened at `start`; DuckDB's scanner nests them. */
function blockCommentEnd(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    const two = sql.slice(i, i + 2);
    if (two === '/*') {
      depth++;
      i += 2;
    } else if (two === '*/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}

/**
 * A deterministic text for a parameter value that keeps types apart (`1`, `'1'` and `1n` all
 * differ) and sorts the keys of objects, so equal values built in another order share a key.
 * Arrays, Maps and Sets keep their order, which can carry meaning. Functions, symbols and
 * cycles throw: they cannot be query parameters.
 */
export function stableSerialize(value: unknown): string {
  return serialize(value, new Set());
}

function serialize(value: unknown, ancestors: Set<object>): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return serializePrimitive(value);
  if (value instanceof Date) {
    return `date:${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()}`;
  }
  if (ArrayBuffer.isView(value)) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return `${value.constructor.name}:${bytes.toString('hex')}`;
  }
  if (ancestors.has(value)) throw new TypeError('a cyclic value cannot be part of a cache key');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      // Array.from turns holes into undefined, which map() would skip.
      return `[${Array.from(value as unknown[], (v) => serialize(v, ancestors)).join(',')}]`;
    }
    if (value instanceof Map) {
      const entries = [...value].map(
        ([k, v]) => `${serialize(k, ancestors)}=>${serialize(v, ancestors)}`,
      );
      return `Map{${entries.join(',')}}`;
    }
    if (value instanceof Set) {
      return `Set{${[...value].map((v) => serialize(v, ancestors)).join(',')}}`;
    }
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${serialize(record[k], ancestors)}`);
    // Class instances (DuckDB list and struct values) are tagged by their class name.
    const proto: unknown = Object.getPrototypeOf(value);
    const tag =
      proto === Object.prototype || proto === null ? '' : (value.constructor?.name ?? '?');
    return `${tag}{${fields.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

function serializePrimitive(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? 'n:-0' : `n:${value}`;
    case 'bigint':
      return `i:${value}`;
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
    case 'undefined':
      return String(value);
    default:
      throw new TypeError(`a ${typeof value} cannot be part of a cache key`);
  }
}
