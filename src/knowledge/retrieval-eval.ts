/**
 * Retrieval quality on a question set: for each question, the section that must come first;
 * hit@1 is the share of questions whose first passage is that section, hit@3 the share where it
 * is among the first three.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../domain/index.ts';
import type { KnowledgeBase } from './search.ts';

const LINE = z.object({
  question: z.string().trim().min(1),
  doc: z.string().trim().min(1),
  section: z.string().trim().min(1),
});
export type RetrievalQuestion = z.infer<typeof LINE>;

/** The questions of a JSONL file, one {"question", "doc", "section"} object a line. */
export function readRetrievalSet(file: string): RetrievalQuestion[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError('bad_request:missing_file', `Cannot read the question set ${file}.`, {
      cause: error,
    });
  }
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new AppError('bad_request:bad_line', `${file}:${n} is not a JSON object.`);
      }
      const parsed = LINE.safeParse(value);
      if (!parsed.success) {
        throw new AppError(
          'bad_request:bad_line',
          `${file}:${n} needs "question", "doc" and "section" strings.`,
        );
      }
      return parsed.data;
    });
}

export interface RetrievalReport {
  total: number;
  hitAt1: number;
  hitAt3: number;
  /** The questions whose section did not come first: where it came (0 when not in the top 5). */
  misses: { question: string; expected: string; got: string[]; rank: number }[];
  /** Sections the set names that no document has (a typo in the set, or a renamed section). */
  unknown: string[];
}

/** Searches every question and counts where the expected section came. */
export async function scoreRetrieval(
  kb: KnowledgeBase,
  questions: readonly RetrievalQuestion[],
): Promise<RetrievalReport> {
  const known = new Set(kb.documents().flatMap((d) => d.sections.map((s) => key(d.id, s.heading))));
  let hit1 = 0;
  let hit3 = 0;
  const misses: RetrievalReport['misses'] = [];
  for (const q of questions) {
    const { passages } = await kb.search(q.question, { limit: 5 });
    const got = passages.map((p) => key(p.doc, p.section));
    const rank = got.indexOf(key(q.doc, q.section)) + 1;
    if (rank === 1) hit1++;
    if (rank >= 1 && rank <= 3) hit3++;
    if (rank !== 1)
      misses.push({ question: q.question, expected: key(q.doc, q.section), got, rank });
  }
  const total = questions.length;
  return {
    total,
    hitAt1: total ? hit1 / total : 0,
    hitAt3: total ? hit3 / total : 0,
    misses,
    unknown: [...new Set(questions.map((q) => key(q.doc, q.section)).filter((k) => !known.has(k)))],
  };
}

function key(doc: string, section: string): string {
  return `${doc} > ${section}`;
}
