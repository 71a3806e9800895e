/**
 * search_rpa_documents: the knowledge base as an agent tool. It returns the best passages of the
 * project's documents about the RPA Assessment (what the scenarios assume, how the projections
 * were made, how to cite them), each with its document, section and where to read it.
 */
import { z } from 'zod';
import type { KnowledgeBase } from '../../knowledge/index.ts';
import { recordToolCall } from '../../observability/index.ts';
import { parseArgs, toToolError } from './args.ts';
import type { AgentTool, DocumentsResult } from './types.ts';

export const DOCUMENTS_TOOL = 'search_rpa_documents';

export const DOCUMENTS_SCHEMA = z.object({
  query: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .describe(
      "What to look up about the RPA Assessment itself, in plain words: a scenario's assumptions, the climate models, how the projections were made, units and periods, published results, limitations, citation.",
    ),
  limit: z.number().int().min(1).max(8).optional().describe('Most passages (default 3).'),
});

export const DOCUMENTS_DESCRIPTION =
  'Passages of the documents on the RPA Assessment itself: scenarios, climate models, methods, units, published results, limits, citation.';

/** Passages scoring below this share of the best one are left out: they answer something else. */
const RELEVANCE_CUT = 0.4;
/** Longest passage text the model sees, in characters. */
const PASSAGE_CHARS = 900;

/** The tool over one knowledge base; `dataset` says whether the database holds demo values. */
export function createDocumentsTool(props: {
  knowledge: KnowledgeBase;
  dataset: 'demo' | 'rpa';
  now?: () => number;
}): AgentTool {
  const now = props.now ?? (() => performance.now());
  return {
    name: DOCUMENTS_TOOL,
    description: DOCUMENTS_DESCRIPTION,
    schema: DOCUMENTS_SCHEMA,
    async run(input) {
      const started = now();
      try {
        const args = parseArgs(DOCUMENTS_TOOL, DOCUMENTS_SCHEMA, input);
        const found = await props.knowledge.search(args.query, { limit: args.limit ?? 3 });
        const best = found.passages[0]?.score ?? 0;
        const result: DocumentsResult = {
          kind: 'documents',
          title: `Documents about the RPA Assessment: ${args.query}`,
          query: args.query,
          mode: found.mode,
          passages: found.passages
            .filter((p) => p.score >= best * RELEVANCE_CUT)
            .map((p) => ({
              document: p.doc,
              title: p.docTitle,
              section: p.section,
              ref: p.ref,
              text: p.text,
              sources: p.sources,
            })),
          demo: props.dataset === 'demo',
          ...(found.warning ? { warning: found.warning } : {}),
        };
        const durationMs = Math.max(0, now() - started);
        recordToolCall(DOCUMENTS_TOOL, durationMs, true);
        return {
          name: DOCUMENTS_TOOL,
          args: { query: args.query, ...(args.limit ? { limit: args.limit } : {}) },
          result,
          text: documentsText(result),
          rows: result.passages.length,
          durationMs,
        };
      } catch (error) {
        recordToolCall(DOCUMENTS_TOOL, Math.max(0, now() - started), false);
        throw toToolError(DOCUMENTS_TOOL, error, {});
      }
    },
  };
}

/** The passages as the model sees them: numbered, each with its document, section and source. */
export function documentsText(r: DocumentsResult): string {
  if (r.passages.length === 0) {
    return `No passage of the RPA documents matches "${r.query}". The documents cover the RPA Act, the scenarios, the climate models, the land use model, units and periods, published results, limitations and citation.`;
  }
  const lines = r.passages.map((p, i) => {
    const text = p.text.replace(/\s+/g, ' ');
    const clipped = text.length > PASSAGE_CHARS ? `${text.slice(0, PASSAGE_CHARS - 1)}…` : text;
    return `[${i + 1}] ${p.title} > ${p.section} (${p.ref})\n${clipped}\nSource: ${p.sources[0] ?? p.title}`;
  });
  const notes = [
    ...(r.demo && r.passages.some((p) => p.document === 'published-results')
      ? [
          "Note: the loaded database is demo data: the published figures above are the RPA's; this project's tables are demo values, not the RPA projections.",
        ]
      : []),
    ...(r.warning ? [`Note: ${r.warning}`] : []),
  ];
  return [`Passages from the RPA documents for "${r.query}":`, ...lines, ...notes].join('\n\n');
}
