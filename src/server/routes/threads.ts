import { z } from 'zod';
import {
  deleteThread,
  getThread,
  listThreads,
  ownerPrefix,
  threadIdOfKey,
  threadKey,
} from '../../agent/index.ts';
import { threadNotFound } from '../answers.ts';
import type { ServerDeps } from '../deps.ts';
import { errors, threadIdSchema, threadSummarySchema, threadViewSchema } from '../schemas.ts';
import type { ZodApp } from '../types.ts';

const threadParams = z.object({
  id: threadIdSchema.describe('The threadId an answer returned'),
});

/**
 * The caller's conversations (LANDUSE_THREADS_DB_PATH): list, read, delete. Each route sees only
 * the threads of the caller's owner (callers.ts); anyone else's thread is a 404 like a missing one.
 */
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
    async (request) => {
      const { owner } = request.caller;
      const threads = await listThreads(deps.checkpointer, {
        limit: request.query.limit,
        prefix: ownerPrefix(owner),
      });
      return {
        threads: threads.map((t) => ({ ...t, threadId: threadIdOfKey(owner, t.threadId)! })),
      };
    },
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
      const { id } = request.params;
      const thread = await getThread(deps.checkpointer, threadKey(request.caller.owner, id));
      if (!thread) throw threadNotFound(id);
      return { ...thread, threadId: id };
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
      const { id } = request.params;
      if (!(await deleteThread(deps.checkpointer, threadKey(request.caller.owner, id))))
        throw threadNotFound(id);
      return reply.code(204).send(null);
    },
  );
  return Promise.resolve();
}
