import type { z } from 'zod';
import type { AnalyticsResult, Cell } from '../../analytics/index.ts';
import type { ToolName } from './schemas.ts';

/** What run_sql returns: the rows of a guarded query, with its shape and limit. */
export interface SqlTable {
  kind: 'sql';
  title: string;
  columns: string[];
  rows: Record<string, Cell>[];
  /** True when the query had more rows than `limit`; only the first `limit` are kept. */
  truncated: boolean;
  limit: number;
  /** The statement as it ran (DuckDB's normalized text, wrapped with the limit). */
  sql: string;
}

/** One tool call's outcome: the full result for the answer, and compact text for the model. */
export interface ToolOutput {
  name: string;
  /** The arguments as parsed (tidied, defaults not filled in). */
  args: Record<string, unknown>;
  result: AnalyticsResult | SqlTable;
  /** What the model sees: a small table and the key figures, never the SQL. */
  text: string;
  rows: number;
  durationMs: number;
}

/** A tool as a plain object: its name, description and schema for a model, and its function. */
export interface AgentTool {
  name: ToolName | 'run_sql';
  description: string;
  schema: z.ZodObject<z.ZodRawShape>;
  /** Parses `args` (a bad one is AppError 'tool:bad_args'), runs the query, renders the text. */
  run(args: unknown): Promise<ToolOutput>;
}

/** True for run_sql's result, false for a domain query's. */
export function isSqlTable(result: AnalyticsResult | SqlTable): result is SqlTable {
  return (result as Partial<SqlTable>).kind === 'sql';
}
