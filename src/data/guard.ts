/**
 * The guard in front of free-form SQL (the explorer, and the agent's opt-in SQL tool). It decides
 * from DuckDB's own parser, never from keywords: one statement, one that `json_serialize_sql`
 * accepts (SELECT-like only), and a parse tree that reads only the land use tables and calls no
 * function that reaches files, URLs, settings or SQL in strings. What passes is DuckDB's
 * regeneration of that tree, so comments, stray semicolons and text tricks are gone before
 * `wrapWithLimit` puts it inside a subquery.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../domain/index.ts';
import { cleanDuckDbMessage } from './guard-errors.ts';
import { describeStatement, leadingKeywords } from './guard-rules.ts';
import { findOversizedGeneration } from './guard-size.ts';
import { findViolation, type TreeRules } from './guard-tree.ts';
import { TABLES, VIEWS } from './schema.ts';

export const MAX_SQL_LENGTH = 20_000;

export type GuardResult =
  | { ok: true; /** Normalized by DuckDB, safe to pass to `wrapWithLimit`. */ sql: string }
  | { ok: false; reason: string; code: string };

export interface SqlGuard {
  /** Accepts one read-only query over the allowed tables, or says why not. Never runs it. */
  check(sql: string): Promise<GuardResult>;
  /** Frees the guard's private parser database. The guard cannot be used afterwards. */
  close(): void;
}

interface SqlGuardOptions {
  /** Tables and views a query may read; defaults to EXPLORER_TABLES. */
  allowedTables?: readonly string[];
  /** Most characters (or list elements) generated values may add up to per row; see guard-size.ts. */
  maxGeneratedLength?: number;
}

/** The tables of schema.ts and the views its VIEWS text creates. */
export const EXPLORER_TABLES: readonly string[] = [
  ...TABLES,
  ...[...VIEWS.matchAll(/CREATE VIEW (\w+)/g)].map((match) => match[1] ?? ''),
].filter((name) => name !== '');

const ALLOWED = 'SELECT, WITH, VALUES or set operations over the land use tables';
const ONLY_ONE = `only one read-only query is allowed: ${ALLOWED}`;
const SEND_ONE = `send one read-only query: ${ALLOWED}`;
const WRAP_ALIAS = 'guarded_query';

/**
 * Wraps a query the guard accepted so that at most `limit + 1` rows come back; the caller asks
 * for one more row than it shows and reports truncation by the row count alone, so neither a
 * LIMIT inside the query nor a column named like a flag can mislead it.
 */
export function wrapWithLimit(normalizedSql: string, limit: number): string {
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new AppError('sql:bad_limit', `The row limit must be a positive integer, not ${limit}.`);
  }
  return `SELECT * FROM (${normalizedSql}) AS ${WRAP_ALIAS} LIMIT ${limit + 1}`;
}

/**
 * Creates a guard. Its DuckDB instance is in-memory, cannot reach files or the network and cannot
 * be reconfigured; it only parses and never sees data. It is created on first use and reused.
 */
export function createSqlGuard(options: SqlGuardOptions = {}): SqlGuard {
  const rules: TreeRules = {
    tables: new Set((options.allowedTables ?? EXPLORER_TABLES).map((t) => t.toLowerCase())),
    ...(options.maxGeneratedLength === undefined
      ? {}
      : { maxGeneratedLength: options.maxGeneratedLength }),
  };
  let parser: Promise<Parser> | undefined;
  let opened: Parser | undefined;
  let closed = false;
  // One connection, one statement at a time: checks queue behind each other.
  let queue: Promise<unknown> = Promise.resolve();

  const connect = (): Promise<Parser> => {
    parser ??= openParser().then((p) => {
      if (closed) p.close();
      else opened = p;
      return p;
    });
    return parser;
  };

  return {
    check(sql) {
      if (closed) {
        return Promise.reject(new AppError('sql:guard_closed', 'The SQL guard was closed.'));
      }
      const run = queue.then(async () => checkSql(sql, (await connect()).connection, rules));
      queue = run.catch(() => undefined);
      return run;
    },
    close() {
      closed = true;
      opened?.close();
      opened = undefined;
    },
  };
}

interface Parser {
  connection: DuckDBConnection;
  close(): void;
}

async function openParser(): Promise<Parser> {
  const instance = await DuckDBInstance.create(':memory:', {
    enable_external_access: 'false',
    lock_configuration: 'true',
  });
  const connection = await instance.connect();
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function checkSql(
  sql: string,
  connection: DuckDBConnection,
  rules: TreeRules,
): Promise<GuardResult> {
  if (sql.length > MAX_SQL_LENGTH) {
    return reject(
      'sql:too_long',
      `The query is ${sql.length.toLocaleString('en-US')} characters long; the limit is ${MAX_SQL_LENGTH.toLocaleString('en-US')}.`,
    );
  }
  if (sql.trim() === '') return reject('sql:empty', `The query is empty; ${SEND_ONE}.`);

  const counted = await countStatements(connection, sql);
  if (!counted.ok) return counted;
  if (counted.count > 1) {
    // DuckDB runs a PIVOT without an IN list as two statements: one finds the values first.
    return reject(
      'sql:multiple_statements',
      leadingKeywords(sql)[0] === 'PIVOT'
        ? `A PIVOT without an IN list runs as ${counted.count} statements; list the values with IN (...) to make it one query.`
        : `Found ${counted.count} statements; ${SEND_ONE}.`,
    );
  }

  const tree = await serialize(connection, sql);
  if (tree.kind === 'error') {
    return tree.parser
      ? parseError(sql, tree.message, tree.position)
      : reject('sql:not_read_only', `${describeStatement(sql)}; ${ONLY_ONE}.`);
  }
  const violation = checkTree(tree.statements, rules);
  if (violation) return violation;

  const normalized = await normalize(connection, sql, rules);
  return normalized === undefined
    ? reject(
        'sql:unsupported',
        `DuckDB could not rewrite this query into a form that can be run safely; rephrase it as ${ALLOWED}.`,
      )
    : { ok: true, sql: normalized };
}

/**
 * DuckDB's regeneration of the statement from its tree. That text is what will run, so it is
 * checked again, and wrapped once to prove the wrapper's subquery parses back to exactly this
 * tree (nothing in it can close the parenthesis). Undefined when any step fails.
 */
async function normalize(
  connection: DuckDBConnection,
  sql: string,
  rules: TreeRules,
): Promise<string | undefined> {
  try {
    const normalized = await firstValue(
      connection,
      'SELECT json_deserialize_sql(json_serialize_sql($1::VARCHAR))',
      sql,
    );
    const again = await serialize(connection, normalized);
    const wrapped = await serialize(connection, wrapWithLimit(normalized, 1));
    const sound =
      again.kind === 'ok' &&
      wrapped.kind === 'ok' &&
      checkTree(again.statements, rules) === undefined &&
      wrapsExactly(wrapped.statements, again.statements);
    return sound ? normalized : undefined;
  } catch {
    return undefined;
  }
}

type Rejected = Extract<GuardResult, { ok: false }>;
type Counted = { ok: true; count: number } | Rejected;

async function countStatements(connection: DuckDBConnection, sql: string): Promise<Counted> {
  try {
    const extracted = await connection.extractStatements(sql);
    return { ok: true, count: extracted.count };
  } catch (error) {
    // No statements at all (only comments or semicolons) surfaces as an error without a message,
    // so the serializer tells an empty input from a parse error and gives the parser's position.
    // Extraction also expands some statements (IMPORT DATABASE reads its directory's schema.sql),
    // which this locked instance refuses: the serializer names those as not read-only.
    const tree = await serialize(connection, sql);
    if (tree.kind === 'ok' && tree.statements.length === 0) {
      return reject(
        'sql:empty',
        `The query has no statement, only comments or semicolons; ${SEND_ONE}.`,
      );
    }
    if (tree.kind === 'error') {
      return tree.parser
        ? parseError(sql, tree.message, tree.position)
        : reject('sql:not_read_only', `${describeStatement(sql)}; ${ONLY_ONE}.`);
    }
    return parseError(sql, error instanceof Error ? error.message : String(error), undefined);
  }
}

type Serialized =
  | { kind: 'ok'; statements: unknown[] }
  | { kind: 'error'; parser: boolean; message: string; position: number | undefined };

async function serialize(connection: DuckDBConnection, sql: string): Promise<Serialized> {
  const json: unknown = JSON.parse(
    await firstValue(connection, 'SELECT json_serialize_sql($1::VARCHAR)', sql),
  );
  if (typeof json !== 'object' || json === null) {
    return {
      kind: 'error',
      parser: false,
      message: 'unexpected serializer output',
      position: undefined,
    };
  }
  const out = json as Record<string, unknown>;
  if (out.error === false && Array.isArray(out.statements)) {
    return { kind: 'ok', statements: out.statements as unknown[] };
  }
  const position = Number(out.position);
  return {
    kind: 'error',
    parser: out.error_type === 'parser',
    message: typeof out.error_message === 'string' ? out.error_message : 'unknown error',
    position: Number.isInteger(position) ? position : undefined,
  };
}

function checkTree(statements: unknown[], rules: TreeRules): Rejected | undefined {
  if (statements.length !== 1) {
    return reject('sql:multiple_statements', `Found ${statements.length} statements; ${SEND_ONE}.`);
  }
  const violation =
    findViolation(statements[0], rules) ??
    findOversizedGeneration(statements[0], rules.maxGeneratedLength);
  return violation ? reject(violation.code, violation.reason) : undefined;
}

/** True when `wrapped` is one SELECT * FROM (inner) AS guarded_query whose inner tree is `inner`. */
function wrapsExactly(wrapped: unknown[], inner: unknown[]): boolean {
  const outer =
    wrapped.length === 1 ? (wrapped[0] as { node?: Record<string, unknown> }).node : undefined;
  const from = outer?.from_table as Record<string, unknown> | undefined;
  const subquery = from?.subquery as { node?: unknown } | undefined;
  const innerNode = inner.length === 1 ? (inner[0] as { node?: unknown }).node : undefined;
  return (
    from?.type === 'SUBQUERY' &&
    from.alias === WRAP_ALIAS &&
    innerNode !== undefined &&
    JSON.stringify(withoutLocations(subquery?.node)) === JSON.stringify(withoutLocations(innerNode))
  );
}

/** The tree without `query_location`, which differs once the text moved inside the wrapper. */
function withoutLocations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLocations);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'query_location')
      .map(([key, child]) => [key, withoutLocations(child)]),
  );
}

function parseError(sql: string, message: string, position: number | undefined): Rejected {
  const cleaned = cleanDuckDbMessage(
    (message.split('\n')[0] ?? message)
      .replace(/^Failed to extract statements:\s*/, '')
      .replace(/^Parser Error:\s*/, ''),
  ).replace(/[.!]+$/, '');
  const where = position === undefined ? '' : ` (${lineAndColumn(sql, position)})`;
  return reject(
    'sql:parse_error',
    `DuckDB could not parse the query: ${cleaned}${where}; ${SEND_ONE}.`,
  );
}

/** DuckDB counts the position in code points, as Array.from splits a string. */
function lineAndColumn(sql: string, position: number): string {
  const before = Array.from(sql).slice(0, position).join('').split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

async function firstValue(
  connection: DuckDBConnection,
  query: string,
  sql: string,
): Promise<string> {
  const reader = await connection.runAndReadAll(query, [sql]);
  const value = reader.getRows()[0]?.[0];
  if (typeof value !== 'string')
    throw new AppError('sql:guard_failed', "The SQL guard could not read DuckDB's answer.");
  return value;
}

function reject(code: string, reason: string): Rejected {
  return { ok: false, code, reason };
}
