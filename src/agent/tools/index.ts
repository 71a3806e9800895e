/** The agent's tools: schemas for the argument conventions, the factory, and the compact text. */
export { TOOL_SCHEMAS, type ToolMetric } from './schemas.ts';
export { createTools } from './tools.ts';
export { answerTables, compactText, type AnswerTable } from './render.ts';
export {
  isSqlTable,
  TOOL_NAMES,
  type AgentTool,
  type ToolArtifact,
  type ToolName,
  type ToolOutput,
} from './types.ts';
export { toMetric } from './args.ts';
