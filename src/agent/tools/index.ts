/** The agent's tools: schemas for the argument conventions, the factory, and the compact text. */
export {
  AREA_METRICS,
  RUN_SQL_SCHEMA,
  TOOL_DESCRIPTIONS,
  TOOL_METRICS,
  TOOL_SCHEMAS,
  type ToolArgs,
  type ToolMetric,
} from './schemas.ts';
export { createTools, type CreateToolsProps } from './tools.ts';
export {
  answerTables,
  compactSqlText,
  compactText,
  formatValue,
  textTable,
  type AnswerTable,
} from './render.ts';
export {
  isSqlTable,
  TOOL_NAMES,
  type AgentTool,
  type SqlTable,
  type ToolArtifact,
  type ToolName,
  type ToolOutput,
} from './types.ts';
export { toMetric } from './args.ts';
