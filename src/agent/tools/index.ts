/** The agent's tools: schemas for the argument conventions, the factory, and the compact text. */
export {
  AREA_METRICS,
  RUN_SQL_SCHEMA,
  TOOL_DESCRIPTIONS,
  TOOL_METRICS,
  TOOL_NAMES,
  TOOL_SCHEMAS,
  type ToolArgs,
  type ToolMetric,
  type ToolName,
} from './schemas.ts';
export { createTools, type CreateToolsProps } from './tools.ts';
export { compactSqlText, compactText, formatValue, textTable } from './render.ts';
export { isSqlTable, type AgentTool, type SqlTable, type ToolOutput } from './types.ts';
export { toMetric } from './args.ts';
