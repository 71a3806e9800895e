/**
 * Response shapes for the OpenAPI document. They describe what the routes send; responses are
 * serialized with plain JSON.stringify (app.ts), so a large table is not validated field by
 * field on its way out. Compile-time checks below keep each schema equal to its TypeScript type.
 */
import { z } from 'zod';
import type { AskResult, ThreadSummary, ThreadView } from '../agent/index.ts';
import type { RequestMetrics } from '../observability/index.ts';
import type { SqlResult } from '../analytics/index.ts';
import type { ErrorBody } from './errors.ts';

const row = z.record(z.string(), z.unknown());

/** A conversation's id, as answers return it and requests send it back: the server makes them. */
export const threadIdSchema = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'must be a threadId an answer returned (a lowercase UUID)',
  );

const counts = z.object({ hits: z.number(), misses: z.number() });

/** A request's own figures (observability/request-metrics.ts's RequestMetrics). */
export const requestMetricsSchema = z
  .object({
    requestId: z.string().nullable(),
    route: z.string().nullable().describe('The route as declared; null in the CLI'),
    provider: z.string().nullable(),
    startedAt: z.string().describe('ISO 8601'),
    totalMs: z.number(),
    modelMs: z.number().describe('In model calls (provider attempts, the offline planner)'),
    databaseMs: z.number().describe('In DuckDB queries'),
    toolMs: z.number(),
    queueMs: z.number().describe('Waiting for a free agent'),
    rateLimitWaitMs: z.number().describe('Waiting for the provider rate limit'),
    eventLoopBusyMs: z
      .number()
      .describe(
        "The JavaScript thread's busy time while the request ran (its CPU time, shared with concurrent requests)",
      ),
    rssBytes: z.number().describe('Resident memory of the process at the end'),
    peakRssBytes: z.number().describe("The process's peak resident memory so far"),
    heapUsedBytes: z.number(),
    queries: z.number(),
    rows: z.number().describe('Rows the queries returned'),
    cache: z.record(z.string(), counts).describe('Result cache lookups by level (l1, l2)'),
    modelCalls: z.number(),
    toolCalls: z.number(),
    inputTokens: z.number(),
    outputTokens: z.number(),
    rateLimitWaits: z.number(),
    retries: z.number(),
    fallbacks: z.number(),
    errors: z.record(z.string(), z.number()).describe('Errors by kind'),
  })
  .describe("The request's own figures: what the question cost");

/** A knowledge document an answer drew on. */
const sourceSchema = z.object({
  title: z.string().describe("The knowledge document's title"),
  section: z.string(),
  ref: z.string().describe('Where to read it: /knowledge/<document>#<section anchor>'),
});

export const askResultSchema = z
  .object({
    answer: z.string().describe('The answer in Markdown: headline figure, context, demo note'),
    tables: z
      .array(z.object({ title: z.string(), columns: z.array(z.string()), rows: z.array(row) }))
      .describe('The result tables behind the answer'),
    sources: z
      .array(sourceSchema)
      .describe(
        'The knowledge documents the answer quotes (search_rpa_documents); empty for data answers',
      ),
    toolCalls: z.array(
      z.object({
        name: z.string(),
        args: z.record(z.string(), z.unknown()),
        rows: z.number(),
        durationMs: z.number(),
        sql: z.string().optional().describe('The SQL the tool ran'),
        params: z
          .array(z.unknown())
          .optional()
          .describe('The values of its $1, $2 ... placeholders'),
      }),
    ),
    scenario: z.array(z.string()).describe('Scenario codes used (OVERALL, LM, HM, HL, HH)'),
    years: z.object({ start: z.number(), end: z.number() }).nullable(),
    dataset: z.enum(['demo', 'rpa']),
    provider: z.string(),
    threadId: z.string().describe('Send it back as threadId to ask a follow-up'),
    followUps: z.array(z.string()),
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }),
    timings: z
      .object({
        totalMs: z.number().describe('The question from start to answer'),
        llmMs: z
          .number()
          .describe(
            "In model calls: the LLM provider's, or the offline planner's planning and narration",
          ),
        toolMs: z.number().describe("In the agent's tools"),
        dbMs: z.number().describe('In DuckDB queries (part of toolMs)'),
        agentMs: z
          .number()
          .describe("The rest: the graph's own steps, the conversation store, history compaction"),
      })
      .describe('Where the time went, in milliseconds'),
    metrics: requestMetricsSchema,
  })
  .describe('An answer: the object `landuse ask --json` prints');

const threadMessage = z.object({
  role: z.enum(['user', 'assistant', 'tool', 'system']),
  content: z.string(),
  toolCalls: z
    .array(
      z.object({
        id: z.string().optional(),
        name: z.string(),
        args: z.record(z.string(), z.unknown()),
      }),
    )
    .optional(),
  toolCallId: z.string().optional(),
  name: z.string().optional(),
  sources: z
    .array(sourceSchema)
    .optional()
    .describe("On a turn's answer: the documents it drew on, as the answer's sources"),
});

export const threadViewSchema = z.object({
  threadId: z.string(),
  updatedAt: z.string().describe('ISO 8601'),
  messages: z.array(threadMessage),
});

export const threadSummarySchema = z.object({
  threadId: z.string(),
  updatedAt: z.string(),
  messageCount: z.number(),
  lastQuestion: z.string(),
});

export const sqlResultSchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(row),
  truncated: z
    .boolean()
    .describe(
      'More rows matched than the limit, or more bytes than the byte bound; only the first are here',
    ),
  truncatedReason: z
    .enum(['rows', 'bytes'])
    .nullable()
    .describe(
      'Which bound cut the result: the row limit or LANDUSE_MAX_RESULT_BYTES; null when none did',
    ),
  notice: z
    .string()
    .nullable()
    .describe(
      'What was left out (rows, bytes, long values cut) and what to do; null when nothing was',
    ),
  elapsedMs: z.number(),
  sql: z.string().describe('The statement as it ran, wrapped with the row limit'),
  limit: z.number(),
});

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable: area:reason, e.g. bad_request:validation, busy:agent'),
      message: z.string().describe('What was wrong and what to do'),
      field: z.string().optional().describe('Where a bad value was, e.g. body.question'),
      requestId: z.string(),
    }),
  })
  .describe('Every error response');

/** The error responses a route can give, for its `response` schema. */
export function errors(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorSchema]));
}

// Each schema must describe exactly its type: these fail to compile when the two drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const checks: [
  Same<z.infer<typeof askResultSchema>, AskResult>,
  Same<z.infer<typeof requestMetricsSchema>, RequestMetrics>,
  Same<z.infer<typeof threadViewSchema>, ThreadView>,
  Same<z.infer<typeof threadSummarySchema>, ThreadSummary>,
  Same<z.infer<typeof sqlResultSchema>, SqlResult>,
  Same<z.infer<typeof errorSchema>, ErrorBody>,
] = [true, true, true, true, true, true];
void checks;
