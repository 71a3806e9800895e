/**
 * Retrieval quality on the held-out question set (eval/knowledge-retrieval.jsonl), written from
 * the documents alone by someone who had not seen the search code: for each question, the
 * section that must come first. Only the figures are reported, never which questions missed, so
 * the search is not tuned on it. The README quotes the figures; `landuse knowledge eval --set
 * eval/knowledge-retrieval.jsonl` reproduces them.
 *
 * The target is hit@1 >= 90 % and hit@3 >= 97 %. Full-text search alone does not reach
 * it (first run 70.6 / 86.3 %, after tuning on the development sets 77.5 / 95.1 %, after tuning
 * on the development and training sets 77.5 / 94.1 %; README), so
 * this test holds the figures reached as a floor against regressions, like the planner's gate,
 * and TARGET records the goal.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKnowledgeBase, readRetrievalSet, scoreRetrieval } from '../src/knowledge/index.ts';

const SET = join(import.meta.dirname, '..', 'eval', 'knowledge-retrieval.jsonl');
/** The goal, not yet met by full-text search. */
const TARGET = { hitAt1: 0.9, hitAt3: 0.97 };
/** What full-text search reaches: a drop below it is a regression. */
const FLOOR = { hitAt1: 0.77, hitAt3: 0.94 };

describe('knowledge base retrieval (held-out set)', () => {
  it('puts the expected section first for at least 77 % of the questions, in the top 3 for 94 %', async () => {
    const questions = readRetrievalSet(SET);
    expect(questions.length).toBeGreaterThanOrEqual(40);
    const report = await scoreRetrieval(createKnowledgeBase(), questions);
    // A section the set names that no document has would be a miss that says nothing.
    expect(report.unknown).toEqual([]);
    const figures = `hit@1 ${(report.hitAt1 * 100).toFixed(1)} %, hit@3 ${(report.hitAt3 * 100).toFixed(1)} % on ${report.total} questions`;
    expect(report.hitAt1, figures).toBeGreaterThanOrEqual(FLOOR.hitAt1);
    expect(report.hitAt3, figures).toBeGreaterThanOrEqual(FLOOR.hitAt3);
    // Logged so a run shows how far the goal is.
    console.info(
      `${figures}; target hit@1 ${TARGET.hitAt1 * 100} %, hit@3 ${TARGET.hitAt3 * 100} %`,
    );
  });
});
