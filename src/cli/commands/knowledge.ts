import { openKnowledgeBase, readRetrievalSet, scoreRetrieval } from '../../knowledge/index.ts';
import { cliConfig } from '../context.ts';
import { table } from '../format.ts';

/**
 * `landuse knowledge search "question"`: the passages the agent's search_rpa_documents would
 * find (hybrid when LANDUSE_EMBEDDING_PROVIDER is set), as text or JSON.
 */
export async function knowledgeSearchCommand(
  question: string,
  opts: { json?: boolean; limit?: number },
): Promise<void> {
  const kb = openKnowledgeBase(cliConfig());
  const r = await kb.search(question, { limit: opts.limit ?? 5 });
  if (opts.json) {
    const passages = r.passages.map((p) => ({
      doc: p.doc,
      title: p.docTitle,
      section: p.section,
      ref: p.ref,
      score: Math.round(p.score * 1000) / 1000,
      text: p.text,
      sources: p.sources,
    }));
    process.stdout.write(
      `${JSON.stringify({ query: r.query, mode: r.mode, passages, ...(r.warning ? { warning: r.warning } : {}) })}\n`,
    );
    return;
  }
  const lines = r.passages.map((p, i) => {
    const text = p.text.replace(/\s+/g, ' ');
    const excerpt = text.length > 300 ? `${text.slice(0, 299)}…` : text;
    return `[${i + 1}] ${p.docTitle}: ${p.section}\n    ${p.ref}  (score ${p.score.toFixed(2)})\n    ${excerpt}`;
  });
  const head = `${r.passages.length} passage${r.passages.length === 1 ? '' : 's'} (${r.mode} search)`;
  const out = r.passages.length ? [head, ...lines] : ['No passage matches that question.'];
  if (r.warning) out.push(`Note: ${r.warning}`);
  process.stdout.write(`${out.join('\n\n')}\n`);
}

/** `landuse knowledge eval [--set FILE]`: hit@1 and hit@3, and the questions that missed. */
export async function knowledgeEvalCommand(opts: { set?: string; json?: boolean }): Promise<void> {
  const file = opts.set ?? 'eval/knowledge-dev.jsonl';
  const report = await scoreRetrieval(openKnowledgeBase(cliConfig()), readRetrievalSet(file));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ set: file, ...report })}\n`);
    return;
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    file,
    `hit@1 ${pct(report.hitAt1)}, hit@3 ${pct(report.hitAt3)} on ${report.total} questions`,
  ];
  if (report.unknown.length) lines.push(`Sections no document has: ${report.unknown.join('; ')}`);
  if (report.misses.length) {
    lines.push(
      table(
        ['question', 'expected', 'rank', 'first'],
        report.misses.map((m) => [m.question, m.expected, m.rank || '-', m.got[0] ?? '-']),
      ),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
