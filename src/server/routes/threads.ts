import { z } from 'zod';
import { deleteThread, getThread, listThreads } from '../../agent/index.ts';
import { AppError } from '../../domain/index.ts';
import type { ServerDeps } from '../deps.ts';
import { errors, threadIdSchema, threadSummarySchema, threadViewSchema } from '../schemas.ts';
import type { ZodApp } from '../types.ts';

const threadParams = z.object({
  id: threadIdSchema.describe('The threadId an answer returned'),
});

/** The conversations the server keeps (LANDUSE_THREADS_DB_PATH): list, read, delete. */
export function threadRoutes(app: ZodApp, deps: ServerDeps): Promise<void> {
  app.get(
    '/api/threads',
    {
      schema: {
        tags: ['Threads'],
        summary: 'List conversations, the most recent first',
        querystring: z.object({
          limit: z.coerce
            .number()
            .int()
            .min(1)
            .max(500)
            .default(50)
            .describe('At most this many (default 50)'),
        }),
        response: { 200: z.object({ threads: z.array(threadSummarySchema) }), ...errors(400) },
      },
    },
    async (request) => ({
      threads: await listThreads(deps.checkpointer, { limit: request.query.limit }),
    }),
  );

  app.get(
    '/api/threads/:id',
    {
      schema: {
        tags: ['Threads'],
        summary: 'A conversation: its messages (questions, tool calls, answers)',
        params: threadParams,
        response: { 200: threadViewSchema, ...errors(400, 404) },
      },
    },
    async (request) => {
      const thread = await getThread(deps.checkpointer, request.params.id);
      if (!thread) throw notFound(request.params.id);
      return thread;
    },
  );

  app.delete(
    '/api/threads/:id',
    {
      schema: {
        tags: ['Threads'],
        summary: 'Delete a conversation and everything stored for it',
        params: threadParams,
        response: { 204: z.null().describe('Deleted'), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      if (!(await deleteThread(deps.checkpointer, request.params.id)))
        throw notFound(request.params.id);
      return reply.code(204).send(null);
    },
  );
  return Promise.resolve();
}

function notFound(id: string): AppError {
  return new AppError(
    'not_found:thread',
    `There is no conversation "${id}" (it may have been deleted). Start a new one by asking without a threadId.`,
  );
}
