import { z } from 'zod';
import { AppError } from '../../domain/index.ts';
import type { ServerDeps } from '../deps.ts';
import { isLoopback } from '../edges.ts';
import { FeedbackStore } from '../feedback.ts';
import { errors, threadIdSchema } from '../schemas.ts';
import type { ZodApp } from '../types.ts';

const feedbackBody = z.object({
  rating: z.enum(['up', 'down']).describe('Thumbs up or down'),
  question: z.string().trim().min(1).max(2000).describe('The question that was answered'),
  answer: z.string().max(8000).optional().describe('The answer that was rated'),
  comment: z.string().trim().max(2000).optional().describe('What was good or wrong, in words'),
  threadId: threadIdSchema.optional().describe('The conversation the answer belongs to'),
});

const entrySchema = z.object({
  id: z.number(),
  createdAt: z.string(),
  threadId: z.string().nullable(),
  rating: z.enum(['up', 'down']),
  question: z.string(),
  answer: z.string().nullable(),
  comment: z.string().nullable(),
});

/**
 * POST /api/feedback (the web app's thumbs up / down, with an optional comment) and
 * GET /api/feedback, the list for operators: callers with an API key, or from this machine when
 * the server has no keys (comments are not shown to anonymous visitors elsewhere).
 */
export function feedbackRoutes(
  app: ZodApp,
  deps: ServerDeps,
  store = FeedbackStore.beside(deps.config.threadsDbPath),
): Promise<void> {
  app.addHook('onClose', () => store.close());

  app.post(
    '/api/feedback',
    {
      schema: {
        tags: ['Feedback'],
        summary: 'Rate an answer',
        body: feedbackBody,
        response: {
          201: z.object({ id: z.number(), createdAt: z.string() }),
          ...errors(400, 401, 429),
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const entry = store.add({
        owner: request.caller.owner,
        threadId: b.threadId ?? null,
        rating: b.rating,
        question: b.question,
        answer: b.answer ?? null,
        comment: b.comment ? b.comment : null,
      });
      return reply.code(201).send({ id: entry.id, createdAt: entry.createdAt });
    },
  );

  app.get(
    '/api/feedback',
    {
      schema: {
        tags: ['Feedback'],
        summary: 'The ratings people gave, newest first (operators)',
        querystring: z.object({
          limit: z.coerce
            .number()
            .int()
            .min(1)
            .max(1000)
            .default(100)
            .describe('At most this many'),
        }),
        response: {
          200: z.object({ up: z.number(), down: z.number(), feedback: z.array(entrySchema) }),
          ...errors(400, 401),
        },
      },
    },
    (request) => {
      if (deps.config.apiKeys.length === 0 && !isLoopback(request.ip)) {
        throw new AppError(
          'auth:operators_only',
          'The feedback list is for operators: ask from the server itself, or set LANDUSE_API_KEYS.',
        );
      }
      const { entries, up, down } = store.list(request.query.limit);
      return Promise.resolve({ up, down, feedback: entries });
    },
  );
  return Promise.resolve();
}
