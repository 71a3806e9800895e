/**
 * The offline planner's answer from the knowledge base's passages: a few sentences of the best
 * passage (its opening sentence and those sharing most words with the question), quoted with
 * the document and section they come from. When the database holds demo values, an answer that
 * quotes the published results says the project's tables are not those figures.
 */
import type { DocumentPassage, DocumentsResult } from './tools/index.ts';
import type { Narration } from './narrate.ts';

/** Longest quotation, in characters (about four sentences). */
const MAX_CHARS = 620;

const COMMON = new Set(
  'a an and are as at be by can do does for from how in is it of on or so that the their these this to was were what when where which who why will with you your'.split(
    ' ',
  ),
);

/** Follow-up questions the data can answer, by document. */
const FOLLOW_UPS: Record<string, string[]> = {
  scenarios: [
    'Compare urban expansion across the RPA scenarios',
    'How much forest is lost under HH by 2070?',
  ],
  'climate-models': ['Compare forest loss across the climate models'],
  'published-results': [
    'How much new urban land is there in the South by 2070?',
    'Compare forest loss across the RPA scenarios',
  ],
  'reading-the-data': ['Show the land use transitions in Georgia'],
  'land-use-model': ['Which states have the most urban expansion by 2070?'],
};

/** The answer to a question about the assessment, from its passages. */
export function narrateDocuments(r: DocumentsResult): Narration {
  const [best] = r.passages;
  if (!best) {
    return {
      answer:
        'I found nothing about that in the RPA documents. They cover the RPA Act and the Assessment cycle, the four scenarios and their assumptions, the five climate models, how the land use projections were made, units and periods, the published results, the limitations, and how to cite the data.',
      followUps: [],
    };
  }
  const parts = [`${quote(best, r.query)} (${cite(best)})`];
  const second = r.passages[1];
  if (second) {
    parts.push(`See also “${second.title}”, section “${second.section}”.`);
  }
  if (r.demo && r.passages.slice(0, 2).some((p) => p.document === 'published-results')) {
    parts.push(
      "These are the published RPA figures. This project's database holds demo data, so its tables are demo values, not the RPA projections.",
    );
  }
  return { answer: parts.join('\n\n'), followUps: FOLLOW_UPS[best.document] ?? [] };
}

/** "“Title”, section “Section”". */
function cite(p: DocumentPassage): string {
  return `from “${p.title}”, section “${p.section}”`;
}

/** Words of a text worth matching: lower case, common words out, cut to five letters. */
function stems(text: string): Set<string> {
  return new Set(
    (text.toLowerCase().match(/[a-z0-9]+/g) ?? [])
      .filter((w) => !COMMON.has(w))
      .map((w) => w.slice(0, 5)),
  );
}

/**
 * Units of quotation: the passage's sentences, except that a paragraph holding a reference (a
 * DOI or web address) and a list item stay whole, so a citation is never cut.
 */
function units(text: string): string[] {
  return text
    .split(/\n\s*\n|\n(?=- )/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .flatMap((p) =>
      /https?:\/\/|doi\.org|^- /.test(p) ? [p] : p.split(/(?<=[.!?])\s+(?=[A-Z"“(`])/),
    );
}

/** The passage's opening sentence and the ones closest to the question, in their order. */
function quote(p: DocumentPassage, question: string): string {
  const all = units(p.text);
  const asked = stems(question);
  const scored = all.map((s, i) => {
    const words = stems(s);
    let shared = 0;
    for (const w of words) if (asked.has(w)) shared++;
    return { i, s, shared };
  });
  const chosen = new Set([0]);
  let length = all[0]?.length ?? 0;
  for (const c of [...scored].sort((a, b) => b.shared - a.shared || a.i - b.i)) {
    if (c.shared === 0 || chosen.size >= 4) break;
    if (chosen.has(c.i) || length + c.s.length > MAX_CHARS) continue;
    chosen.add(c.i);
    length += c.s.length;
  }
  return [...chosen]
    .sort((a, b) => a - b)
    .map((i) => all[i]!.replace(/^- /, ''))
    .join(' ');
}
