import { z } from 'zod';
import { AppError } from '../../domain/index.ts';
import { openKnowledgeBase, renderDocumentHtml } from '../../knowledge/index.ts';
import type { ServerDeps } from '../deps.ts';
import type { ZodApp } from '../types.ts';

/** The documents ship with the app and change only with it: a few minutes of caching is safe. */
const CACHE = 'public, max-age=300';

const docParams = z.object({
  doc: z
    .string()
    .regex(/^[a-z0-9-]{1,64}(\.md)?$/)
    .describe('A document id (rpa-act, scenarios, ...); with .md, its markdown source'),
});

/**
 * The knowledge base's documents, the targets of an answer's sources: GET /knowledge lists them
 * (GET /api/knowledge as JSON, for the web app's About page),
 * GET /knowledge/<doc> renders one as a small HTML page (every character of the text escaped;
 * sections carry their anchors, so /knowledge/scenarios#high-high-hh-taking-the-highway opens
 * at its section), and GET /knowledge/<doc>.md sends its markdown. No script, so the default
 * security policy stands.
 */
export function knowledgeRoutes(app: ZodApp, deps: ServerDeps): Promise<void> {
  const kb = openKnowledgeBase(deps.config);
  const docs = () => kb.documents();

  app.get(
    '/api/knowledge',
    {
      schema: {
        tags: ['Knowledge'],
        summary: 'The knowledge documents that answers quote, with their sections',
        response: {
          200: z.object({
            documents: z.array(
              z.object({
                id: z.string(),
                title: z.string(),
                ref: z.string().describe('Where to read it: /knowledge/<document>'),
                sections: z.array(
                  z.object({
                    heading: z.string(),
                    ref: z.string().describe('/knowledge/<document>#<section anchor>'),
                  }),
                ),
              }),
            ),
          }),
        },
      },
    },
    (_request, reply) => {
      void reply.header('cache-control', CACHE);
      return {
        documents: docs().map((d) => ({
          id: d.id,
          title: d.title,
          ref: `/knowledge/${d.id}`,
          sections: d.sections.map((s) => ({
            heading: s.heading,
            ref: `/knowledge/${d.id}#${s.slug}`,
          })),
        })),
      };
    },
  );

  app.get('/knowledge', { schema: { hide: true } }, (_request, reply) => {
    const items = docs()
      .map(
        (d) =>
          `<li><a href="/knowledge/${d.id}">${escape(d.title)}</a> (${d.sections.length} sections)</li>`,
      )
      .join('\n');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', CACHE)
      .send(
        `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Knowledge base · RPA Land Use Analytics</title></head><body><h1>Knowledge base</h1><p>What the answers quote about the 2020 RPA Assessment. <a href="/">Back to the app</a></p><ul>\n${items}\n</ul></body></html>\n`,
      );
  });

  app.get('/knowledge/:doc', { schema: { hide: true, params: docParams } }, (request, reply) => {
    const id = request.params.doc.replace(/\.md$/, '');
    const all = docs();
    const doc = all.find((d) => d.id === id);
    if (!doc) {
      throw new AppError(
        'not_found:document',
        `There is no knowledge document "${id}"; the documents are ${all.map((d) => d.id).join(', ')}.`,
      );
    }
    void reply.header('cache-control', CACHE);
    if (request.params.doc.endsWith('.md')) {
      return reply.type('text/markdown; charset=utf-8').send(doc.markdown);
    }
    return reply.type('text/html; charset=utf-8').send(renderDocumentHtml(doc, all));
  });
  return Promise.resolve();
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
