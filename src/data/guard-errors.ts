/**
 * DuckDB's errors for free-form SQL, told apart: a mistake in the user's query (a column that is
 * not there, a bad cast, an overflow, `error('...')`) is the user's to fix and becomes an AppError
 * in the `sql` area (a 400, CLI exit 2) with DuckDB's reason, cleaned of what only we should see;
 * anything else (I/O, out of memory, an internal error) stays a real failure.
 */
import { AppError } from '../domain/index.ts';

/** DuckDB's error classes (the "X Error:" prefix) that mean the query itself is wrong. */
const USER_ERROR_CODES: ReadonlyMap<string, string> = new Map([
  ['Parser Error', 'sql:parse_error'],
  ['Syntax Error', 'sql:parse_error'],
  ['Binder Error', 'sql:binder'],
  ['Catalog Error', 'sql:catalog'],
  ['Conversion Error', 'sql:conversion'],
  ['Out of Range Error', 'sql:out_of_range'],
  ['Invalid Input Error', 'sql:invalid_input'],
  ['Mismatch Type Error', 'sql:type_mismatch'],
  ['Type Error', 'sql:type_mismatch'],
  ['Not implemented Error', 'sql:not_implemented'],
  ['Divide by Zero Error', 'sql:out_of_range'],
  // A free-form query that outgrows memory_limit (a huge string_agg) asked for too much.
  ['Out of Memory Error', 'sql:out_of_memory'],
]);

/** The longest reason passed on; DuckDB's candidate lists can run long. */
const MAX_REASON_CHARS = 600;

/**
 * The AppError for a DuckDB error caused by the user's query, or undefined when the error is
 * not the user's (it should stay a 500 and be logged as one).
 */
export function userSqlError(error: unknown): AppError | undefined {
  if (!(error instanceof Error) || error instanceof AppError) return undefined;
  const match = /^([A-Z][A-Za-z ]*? Error): ?/.exec(error.message);
  const code = match ? USER_ERROR_CODES.get(match[1] ?? '') : undefined;
  if (!match || code === undefined) return undefined;
  if (code === 'sql:out_of_memory') {
    // DuckDB's advice here is settings (threads, preserve_insertion_order) the guard refuses.
    return new AppError(
      code,
      'The query needed more memory than the server gives one query; filter or aggregate it so it builds less at once.',
      { cause: error },
    );
  }
  const reason = cleanDuckDbMessage(error.message.slice(match[0].length));
  return new AppError(code, `DuckDB could not run the query: ${reason}`, { cause: error });
}

/**
 * DuckDB's message without what belongs to us: the `LINE 1: SELECT * FROM (...) AS guarded_query`
 * context (it shows our row-limit wrapper, not the user's text), advice to change settings that
 * the locked configuration refuses anyway, and file paths. Whitespace is folded to one line.
 */
export function cleanDuckDbMessage(message: string): string {
  const kept: string[] = [];
  for (const line of message.split('\n')) {
    // The caret context and everything after it quote the wrapped statement.
    if (/^\s*LINE \d+:/.test(line)) break;
    kept.push(line.trim());
  }
  let text = kept
    .filter((line) => line !== '')
    .join(' ')
    .replace(/\s+/g, ' ')
    // "Use "SET max_expression_depth TO x" to increase ...": settings are locked here.
    .replace(/[^.!]*"(?:SET|RESET|PRAGMA) [^"]*"[^.!]*[.!]?/g, '')
    .replace(/\bguarded_query\b/g, 'the query')
    // Absolute paths (a build machine's source tree, the database file) say nothing to a user.
    .replace(/(?:[A-Za-z]:)?(?:\/[\w.-]+){2,}/g, '<path>')
    .trim();
  if (text.length > MAX_REASON_CHARS) text = `${text.slice(0, MAX_REASON_CHARS - 1)}…`;
  return text === '' ? 'the query is not valid' : text.replace(/[.!]+$/, '') + '.';
}
