import type { z } from 'zod';
import type { AnalyticsResult, Cell } from '../../analytics/index.ts';

/** The agent's analytics tools, by the names the LLM providers see too. */
export const TOOL_NAMES = [
  'query_land_use_area',
  'query_land_use_transitions',
  'query_urban_expansion',
  'query_forest_change',
  'query_agricultural_change',
  'compare_scenarios',
  'compare_states',
  'query_time_series',
  'query_by_county',
  'query_top_counties',
  'compare_climate_models',
  'get_data_summary',
  'query_land_use',
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

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

/** One passage search_rpa_documents found: a section of a knowledge document. */
export interface DocumentPassage {
  /** The document's id (knowledge/<document>.md). */
  document: string;
  /** The document's title. */
  title: string;
  section: string;
  /** Where it is served: /knowledge/<document>#<section anchor>. */
  ref: string;
  /** The section's text (markdown). */
  text: string;
  /** The publications the document draws on. */
  sources: string[];
}

/** What search_rpa_documents returns: the passages for a query, best first. */
export interface DocumentsResult {
  kind: 'documents';
  title: string;
  query: string;
  /** hybrid when embeddings took part, text otherwise. */
  mode: 'text' | 'hybrid';
  passages: DocumentPassage[];
  /** The loaded database holds demo values (answers about published results say so). */
  demo: boolean;
  /** Why a configured hybrid search ran on full text only. */
  warning?: string;
}

/** Any tool's result: a domain query's, run_sql's rows, or the documents' passages. */
export type ToolResult = AnalyticsResult | SqlTable | DocumentsResult;

/** One tool call's outcome: the full result for the answer, and compact text for the model. */
export interface ToolOutput {
  name: string;
  /** The arguments as parsed (tidied, defaults not filled in). */
  args: Record<string, unknown>;
  result: ToolResult;
  /** What the model sees: a small table and the key figures, never the SQL. */
  text: string;
  rows: number;
  durationMs: number;
}

/** What a tool node leaves on its ToolMessage for the answer: the output without the model's text. */
export type ToolArtifact = Omit<ToolOutput, 'text'>;

/** A tool as a plain object: its name, description and schema for a model, and its function. */
export interface AgentTool {
  name: ToolName | 'run_sql' | 'search_rpa_documents';
  description: string;
  schema: z.ZodObject<z.ZodRawShape>;
  /** Parses `args` (a bad one is AppError 'tool:bad_args'), runs the query, renders the text. */
  run(args: unknown): Promise<ToolOutput>;
}

/** True for run_sql's result, false for a domain query's or the documents'. */
export function isSqlTable(result: ToolResult): result is SqlTable {
  return (result as Partial<SqlTable>).kind === 'sql';
}

/** True for search_rpa_documents' result. */
export function isDocumentsResult(result: ToolResult): result is DocumentsResult {
  return (result as Partial<DocumentsResult>).kind === 'documents';
}

/** True for a domain query's result (the tables, scenario and years of an answer). */
export function isAnalyticsResult(result: ToolResult): result is AnalyticsResult {
  return !isSqlTable(result) && !isDocumentsResult(result);
}
