/** The agent's tools: schemas for the argument conventions, the factory, and the compact text. */
export { TOOL_SCHEMAS, type ToolMetric } from './schemas.ts';
export { createTools } from './tools.ts';
export {
  answerSources,
  answerTables,
  compactText,
  type AnswerSource,
  type AnswerTable,
} from './render.ts';
export { createDocumentsTool, DOCUMENTS_TOOL, documentsText } from './documents.ts';
export {
  isAnalyticsResult,
  isDocumentsResult,
  isSqlTable,
  TOOL_NAMES,
  type AgentTool,
  type DocumentPassage,
  type DocumentsResult,
  type ToolArtifact,
  type ToolName,
  type ToolOutput,
  type ToolResult,
} from './types.ts';
export { toMetric } from './args.ts';
