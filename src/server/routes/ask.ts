import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AgentEvent } from '../../agent/index.ts';
import { PROVIDERS } from '../../config/index.ts';
import { answer, checkQuestion } from '../answers.ts';
import type { ServerDeps } from '../deps.ts';
import { toHttpError } from '../errors.ts';
import { recordRequestError } from '../observe.ts';
import { askResultSchema, errors, threadIdSchema } from '../schemas.ts';
import type { ZodApp } from '../types.ts';

/** The longest question accepted, in characters. */
const MAX_QUESTION_CHARS = 2000;

const askBody = z.object({
  question: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(MAX_QUESTION_CHARS, `must be at most ${MAX_QUESTION_CHARS} characters`)
    .describe('The question, in plain English'),
  threadId: threadIdSchema
    .optional()
    .describe('Continue this conversation (from an earlier answer); omit to start a new one'),
  provider: z
    .enum(PROVIDERS)
    .optional()
    .describe('The model behind the agent; default LANDUSE_PROVIDER (offline)'),
});

interface AskOptions {
  /** Milliseconds between SSE heartbeats while the agent works (default 5000). */
  heartbeatMs?: number;
}

/**
 * POST /api/ask (one JSON answer, the object `landuse ask --json` prints) and POST /api/chat (the
 * same answer streamed as server-sent events). Both go through the agent pool: at most
 * LANDUSE_AGENT_POOL_SIZE questions at once, a bounded line behind them, 503 beyond.
 */
export function askRoutes(app: ZodApp, deps: ServerDeps, options: AskOptions = {}): Promise<void> {
  const heartbeatMs = options.heartbeatMs ?? 5000;

  app.post(
    '/api/ask',
    {
      schema: {
        tags: ['Ask'],
        summary: 'Answer a question',
        description:
          'Answers a plain-English question about the RPA land use projections: {answer, tables, toolCalls, scenario, years, dataset, provider, threadId, followUps, usage, timings, metrics}. `metrics` holds what this request cost: its times (model, database, tools, queue), queries, rows, cache hits and misses, tokens, retries and fallbacks. Send the threadId back to ask a follow-up.',
        body: askBody,
        response: { 200: askResultSchema, ...errors(400, 401, 429, 502, 503) },
      },
    },
    async (request, reply) => {
      const gone = abortOnClientGone(reply.raw);
      const { result, cached } = await answer(
        deps,
        { ...request.body, caller: request.caller },
        { signal: gone.signal },
      );
      return reply.header('x-cache', cached ? 'hit' : 'miss').send(result);
    },
  );

  app.post(
    '/api/chat',
    {
      schema: {
        tags: ['Ask'],
        summary: 'Answer a question, streamed as server-sent events',
        description:
          'Events: `token` {text} (answer text as it is written), `tool_start` {name, args}, `tool_end` {name, args, rows, durationMs, ok, sql, params}, `table` {title, columns, rows}, `heartbeat` {} while tools run, then `final` (the whole /api/ask object) or `error` {code, message}. Closing the connection stops the work.',
        body: askBody,
        response: {
          200: z
            .string()
            .describe('text/event-stream: the events above, each `event: NAME` and `data: JSON`'),
          ...errors(400, 401, 429, 503),
        },
      },
    },
    async (request, reply) => {
      // Refuse what can be refused, then wait for an agent, all before the stream opens: a bad
      // provider, someone else's thread or a full pool is a plain 400, 404 or 503 response.
      const question = { ...request.body, caller: request.caller };
      const checked = await checkQuestion(deps, question);
      const queued = performance.now();
      await deps.agents.acquire();
      if (request.collector) request.collector.queueMs += performance.now() - queued;
      const gone = abortOnClientGone(reply.raw);
      reply.hijack();
      const res = reply.raw;
      // The headers hooks already set (CORS, security headers) go out with the stream's own.
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string | string[]>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      const send = (event: string, data: unknown) => {
        if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const heartbeat = setInterval(() => send('heartbeat', {}), heartbeatMs);
      deps.observability.streamOpened('chat');
      try {
        // Streamed answers always run the agent: the events are the point.
        const { result } = await answer(
          deps,
          { ...request.body, caller: request.caller },
          {
            useCache: false,
            holdsAgent: true,
            checked,
            signal: gone.signal,
            onEvent: (e: AgentEvent) => {
              const { type, ...data } = e;
              send(type, data);
            },
          },
        );
        send('final', result);
      } catch (error) {
        if (!gone.signal.aborted) {
          const http = toHttpError(error, request.id);
          // The stream's status is 200 already: the metrics take the error's.
          recordRequestError(request, deps.observability, http.body.error.code, http.status);
          if (http.status >= 500) request.log.error({ err: error }, 'chat failed');
          send('error', http.body.error);
        }
      } finally {
        deps.observability.streamClosed('chat');
        clearInterval(heartbeat);
        deps.agents.release();
        res.end();
      }
    },
  );
  return Promise.resolve();
}

/** An abort signal that fires when the client closes the connection before the response ends. */
function abortOnClientGone(res: ServerResponse): AbortController {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller;
}
