/**
 * Example questions: for each section, questions it answers, written from the documents
 * (knowledge/questions.jsonl). A question worded like an example lifts that example's section,
 * which the sections' own words cannot always do: questions use everyday words ("will my town's
 * farms get paved over"), and several documents touch the same topic from different angles (what
 * the model does, what that means as a limitation) that only the question's wording tells apart.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../domain/index.ts';
import type { KnowledgeChunk } from './chunks.ts';
import { readRetrievalSet } from './retrieval-eval.ts';

/** A question a section answers. */
export interface ExampleQuestion {
  question: string;
  doc: string;
  section: string;
}

/** The example questions beside the documents: one {"question", "doc", "section"} a line. */
export const EXAMPLES_FILE = 'questions.jsonl';

/** The example questions of a documents directory; none when it has no questions.jsonl. */
export function readExamples(dir: string): ExampleQuestion[] {
  const file = join(dir, EXAMPLES_FILE);
  return existsSync(file) ? readRetrievalSet(file) : [];
}

export interface ExampleIndex {
  /**
   * For each section with an example sharing a word with the question, the similarity of its
   * most similar example, from 0 to 1: the cosine of the two questions' words, each word weighted
   * by its rarity among the examples (a word no example has still counts in the question's
   * length, so a question about something no example mentions is like none of them).
   */
  like(words: readonly string[]): Map<string, number>;
}

/**
 * The examples as word sets with an inverted index. `tokenize` is the search's own (stemming,
 * stop words), so examples and questions are read alike. An example naming a section no document
 * has is an error that names it (a renamed section, say).
 */
export function indexExamples(
  chunks: readonly KnowledgeChunk[],
  questions: readonly ExampleQuestion[],
  tokenize: (text: string) => string[],
): ExampleIndex {
  const chunkOf = new Map(chunks.map((c) => [`${c.doc} > ${c.section}`, c.id]));
  const section: string[] = [];
  const postings = new Map<string, number[]>();
  const wordsOf: string[][] = [];
  for (const q of questions) {
    const chunk = chunkOf.get(`${q.doc} > ${q.section}`);
    if (!chunk) {
      throw new AppError(
        'knowledge:bad_example',
        `The example question "${q.question}" names the section "${q.doc} > ${q.section}", which no document has; fix the section or the question in ${EXAMPLES_FILE}.`,
      );
    }
    const words = [...new Set(tokenize(q.question))];
    const i = section.push(chunk) - 1;
    wordsOf.push(words);
    for (const w of words) postings.set(w, [...(postings.get(w) ?? []), i]);
  }
  const n = section.length;
  const weight = (w: string) => Math.log(1 + n / ((postings.get(w)?.length ?? 0) + 0.5)) ** 2;
  const length = wordsOf.map((ws) => Math.sqrt(ws.reduce((sum, w) => sum + weight(w), 0)));
  return {
    like(words) {
      const unique = [...new Set(words)];
      const qLength = Math.sqrt(unique.reduce((sum, w) => sum + weight(w), 0));
      const dot = new Map<number, number>();
      for (const w of unique) {
        for (const i of postings.get(w) ?? []) dot.set(i, (dot.get(i) ?? 0) + weight(w));
      }
      const best = new Map<string, number>();
      for (const [i, d] of dot) {
        const sim = d / (qLength * length[i]!);
        if (sim > (best.get(section[i]!) ?? 0)) best.set(section[i]!, sim);
      }
      return best;
    },
  };
}
