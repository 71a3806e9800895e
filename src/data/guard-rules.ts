/**
 * The vocabulary of the SQL guard: which table functions a query may call, which scalar
 * functions it may not, and the words used to explain a rejection. The decisions are made on
 * DuckDB's parse tree (guard-tree.ts); nothing here inspects SQL text except
 * `describeStatement`, which only names an already rejected statement for the message.
 */

/** The only table functions a guarded query may call: they generate values and read nothing. */
export const ALLOWED_TABLE_FUNCTIONS: readonly string[] = ['range', 'generate_series', 'unnest'];

/** What a function does that the guard does not allow, for the reason sentence. */
const FUNCTION_EFFECTS: ReadonlyMap<string, string> = new Map([
  // Readers of files and URLs (the read_* family is matched by prefix below).
  ['glob', 'lists files'],
  ['sniff_csv', 'reads files'],
  ['parquet_scan', 'reads files'],
  ['read_text', 'reads files'],
  ['read_blob', 'reads files'],
  ['read_duckdb', 'reads files'],
  // SQL taken from a string escapes the checks made on this query's tree.
  ['query', 'runs SQL from a string'],
  ['query_table', 'runs SQL from a string'],
  ['json_execute_serialized_sql', 'runs SQL from a string'],
  // json_serialize_plan binds its argument, and binding read_csv already touches the file.
  ['json_serialize_plan', 'plans SQL from a string'],
  ['json_serialize_sql', 'parses SQL from a string'],
  ['json_deserialize_sql', 'builds SQL from a string'],
  ['sql_auto_complete', 'parses SQL from a string'],
  // Session, settings, environment and state outside the query.
  ['current_setting', 'reads the session settings'],
  ['getvariable', 'reads session variables'],
  ['getenv', 'reads the environment'],
  ['set_config', 'changes the session settings'],
  ['setseed', 'changes the session state'],
  ['nextval', 'changes a sequence'],
  ['currval', 'reads a sequence'],
  ['which_secret', 'reads secrets'],
  ['write_log', 'writes to the log'],
  ['enable_logging', 'changes the logging'],
  ['disable_logging', 'changes the logging'],
  ['truncate_duckdb_logs', 'deletes the logs'],
  ['enable_profiling', 'changes the profiling'],
  ['disable_profiling', 'changes the profiling'],
  // System macros whose bodies query duckdb_* internals.
  ['pg_get_viewdef', 'reads database internals'],
  ['pg_get_constraintdef', 'reads database internals'],
  ['format_type', 'reads database internals'],
  ['get_block_size', 'reads database internals'],
  ['checkpoint', 'writes the database file'],
  ['force_checkpoint', 'writes the database file'],
  ['sleep_ms', 'pauses the server'],
  ['pg_sleep', 'pauses the server'],
  ['system', 'runs programs'],
  ['shell', 'runs programs'],
]);

const FUNCTION_PREFIX_EFFECTS: readonly (readonly [string, string])[] = [
  ['read_', 'reads files'],
  ['parquet_', 'reads files'],
  ['duckdb_', 'exposes database internals'],
  ['pragma_', 'exposes database internals'],
  ['sqlite_', 'exposes database internals'],
  ['enable_', 'changes the session state'],
  ['disable_', 'changes the session state'],
];

/**
 * What a denied function does ("reads files"), or undefined for a function the guard leaves to
 * DuckDB. Scalar functions are checked against this deny-list; table functions must also be on
 * ALLOWED_TABLE_FUNCTIONS, and this only words the reason.
 */
export function deniedFunctionEffect(name: string): string | undefined {
  const lower = name.toLowerCase();
  const exact = FUNCTION_EFFECTS.get(lower);
  if (exact !== undefined) return exact;
  return FUNCTION_PREFIX_EFFECTS.find(([prefix]) => lower.startsWith(prefix))?.[1];
}

/** True for a table name that DuckDB would treat as a file or URL (a replacement scan). */
export function looksLikePath(name: string): boolean {
  return /[./\\:~]/.test(name);
}

/** What each statement kind does, keyed by its first keyword. Words a rejection; decides nothing. */
const STATEMENT_KINDS: ReadonlyMap<string, string> = new Map([
  ['INSERT', 'writes data'],
  ['UPDATE', 'writes data'],
  ['DELETE', 'writes data'],
  ['MERGE', 'writes data'],
  ['TRUNCATE', 'writes data'],
  ['CREATE', 'changes the schema'],
  ['DROP', 'changes the schema'],
  ['ALTER', 'changes the schema'],
  ['COMMENT', 'changes the schema'],
  ['COPY', 'copies data to or from files'],
  ['ATTACH', 'attaches a database'],
  ['DETACH', 'detaches a database'],
  ['USE', 'switches the database'],
  ['INSTALL', 'installs an extension'],
  ['LOAD', 'loads an extension'],
  ['PRAGMA', 'reads or changes database settings'],
  ['SET', 'changes a setting'],
  ['RESET', 'changes a setting'],
  ['CALL', 'calls a procedure'],
  ['EXPORT', 'exports the database'],
  ['IMPORT', 'imports a database'],
  ['BEGIN', 'controls transactions'],
  ['START', 'controls transactions'],
  ['COMMIT', 'controls transactions'],
  ['END', 'controls transactions'],
  ['ROLLBACK', 'controls transactions'],
  ['ABORT', 'controls transactions'],
  ['CHECKPOINT', 'writes the database file'],
  ['VACUUM', 'maintains the database'],
  ['ANALYZE', 'maintains the database'],
  ['EXPLAIN', 'shows a query plan'],
  ['PREPARE', 'manages prepared statements'],
  ['EXECUTE', 'manages prepared statements'],
  ['DEALLOCATE', 'manages prepared statements'],
  ['PIVOT', 'needs a PIVOT ... IN (...) list here'],
  ['UNPIVOT', 'is not supported in this form'],
]);

/**
 * Names a statement DuckDB refused to serialize, e.g. "DROP changes the schema". Only for the
 * message: the rejection itself came from the parser.
 */
export function describeStatement(sql: string): string {
  const [first, second] = leadingKeywords(sql);
  if (first === undefined) return 'This statement is not a read-only query';
  // FORCE INSTALL, FORCE CHECKPOINT: the second word says what it does.
  const [label, keyword] =
    first === 'FORCE' && second !== undefined ? [`FORCE ${second}`, second] : [first, first];
  const kind = STATEMENT_KINDS.get(keyword);
  if (kind !== undefined) return `${label} ${kind}`;
  if (first === 'WITH') return 'This WITH statement is not a read-only query';
  return `${label} is not a read-only query`;
}

/** The first two words of `sql` outside comments and parentheses, upper-cased. */
export function leadingKeywords(sql: string): (string | undefined)[] {
  let rest = sql;
  for (;;) {
    const trimmed = rest.replace(/^[\s(]+/u, '');
    if (trimmed.startsWith('--')) {
      const end = trimmed.indexOf('\n');
      rest = end < 0 ? '' : trimmed.slice(end + 1);
    } else if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/');
      rest = end < 0 ? '' : trimmed.slice(end + 2);
    } else {
      rest = trimmed;
      break;
    }
  }
  const words = /^([A-Za-z_]+)(?:\s+([A-Za-z_]+))?/.exec(rest);
  return [words?.[1]?.toUpperCase(), words?.[2]?.toUpperCase()];
}
