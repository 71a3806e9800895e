import { describe, expect, it } from 'vitest';
import { isAppError } from '../domain/index.ts';
import { STATES } from '../domain/index.ts';
import { distinctMix, parseQuestions, realisticMix, type LoadRequest } from './mixes.ts';
import {
  ANALYTICS_PATHS,
  distinctQuestions,
  TOOL_QUESTIONS,
  uniqueQuestions,
} from './questions.ts';

function take(next: () => LoadRequest, n: number): LoadRequest[] {
  return Array.from({ length: n }, () => next());
}

describe('the distinct mix', () => {
  it('never repeats a question in 5,000 requests, across users', () => {
    const mix = distinctMix();
    const users = Array.from({ length: 50 }, (_, i) => mix.forUser(i));
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i += 1) {
      const r = users[i % users.length]!();
      expect(r.kind).toBe('ask');
      if (r.kind !== 'ask') continue;
      expect(r.followUp).toBe(false);
      expect(seen.has(r.question), r.question).toBe(false);
      seen.add(r.question);
    }
    expect(seen.size).toBe(5000);
  });

  it('goes on without repeating past the 14,700 built from its parts', () => {
    const questions = uniqueQuestions(20_000);
    expect(new Set(questions).size).toBe(20_000);
    expect(questions[14_700]).toMatch(/\(round 2\)/);
  });

  it("starts with the HTTP benchmark's 1,470 questions, in their order", () => {
    const years = [2030, 2040, 2050, 2060, 2070];
    const topics = [
      (s: string, y: number) => `How much new urban land is there in ${s} by ${y}?`,
      (s: string, y: number) => `How much forest does ${s} lose by ${y}?`,
      (s: string, y: number) => `How much cropland will ${s} have in ${y}?`,
      (s: string, y: number) => `Which counties in ${s} develop most by ${y}?`,
      (s: string, y: number) => `Compare urban expansion in ${s} across scenarios by ${y}`,
      (s: string, y: number) => `How does pasture change in ${s} by ${y}?`,
    ];
    const old: string[] = [];
    for (const y of years) for (const t of topics) for (const s of STATES) old.push(t(s.name, y));
    expect(uniqueQuestions()).toEqual(old);
    const gen = distinctQuestions();
    expect(gen.next().value).toBe(old[0]);
  });

  it('names a scenario in the later rounds, before the question mark', () => {
    expect(uniqueQuestions(2451).at(-1)).toBe(
      'How much new urban land is there in Alabama by 2030 under the LM scenario?',
    );
  });
});

describe('the realistic mix', () => {
  const requests = () => {
    const mix = realisticMix();
    return Array.from({ length: 20 }, (_, i) => take(mix.forUser(i), 100)).flat();
  };

  it('sends every kind of request: ask, chat, analytics, SQL and export', () => {
    const kinds = new Set(requests().map((r) => r.kind));
    expect([...kinds].sort()).toEqual(['analytics', 'ask', 'chat', 'export', 'sql']);
  });

  it("asks every tool's question, and visits every dashboard view", () => {
    const all = requests();
    const asked = new Set(all.flatMap((r) => (r.kind === 'ask' ? [r.question] : [])));
    for (const t of TOOL_QUESTIONS) expect(asked, t.tool).toContain(t.question);
    const paths = new Set(all.flatMap((r) => (r.kind === 'analytics' ? [r.path] : [])));
    expect(paths.size).toBe(ANALYTICS_PATHS.length);
  });

  it('repeats popular questions, most popular most often', () => {
    const counts = new Map<string, number>();
    for (const r of requests()) {
      if (r.kind === 'ask' && !r.followUp)
        counts.set(r.question, (counts.get(r.question) ?? 0) + 1);
    }
    const top = counts.get('Which states have the most urban expansion?') ?? 0;
    expect(top).toBeGreaterThan(20);
    expect(top).toBeGreaterThan(counts.get('How much cropland will Iowa have in 2050?') ?? 0);
  });

  it('asks follow-ups right after a question of the same kind, on the thread', () => {
    const mix = realisticMix();
    let followUps = 0;
    for (let u = 0; u < 10; u += 1) {
      const list = take(mix.forUser(u), 200);
      for (const [i, r] of list.entries()) {
        if ((r.kind === 'ask' || r.kind === 'chat') && r.followUp) {
          followUps += 1;
          expect(i).toBeGreaterThan(0);
          expect(list[i - 1]!.kind).toBe(r.kind);
        }
      }
    }
    expect(followUps).toBeGreaterThan(100);
  });

  it('gives each user the same requests in every run (seeded)', () => {
    expect(take(realisticMix().forUser(3), 50)).toEqual(take(realisticMix().forUser(3), 50));
    expect(take(realisticMix().forUser(3), 50)).not.toEqual(take(realisticMix().forUser(4), 50));
  });
});

describe('questions files', () => {
  it('reads plain lines and JSON lines, skipping blanks and comments', () => {
    const text = [
      '# a comment',
      'How much forest is in Maine?',
      '',
      '{"id": "d01", "question": "Which states have the most urban expansion?", "expect": {}}',
      '  Show urbanization trends in Texas  \r',
    ].join('\n');
    expect(parseQuestions(text, 'q.txt')).toEqual([
      'How much forest is in Maine?',
      'Which states have the most urban expansion?',
      'Show urbanization trends in Texas',
    ]);
  });

  it.each([
    ['{"question": ', /q\.jsonl, line 2: not valid JSON/],
    ['{"id": "x"}', /q\.jsonl, line 2: expected a "question" field/],
    ['{"question": 3}', /line 2: expected a "question" field/],
  ])('names the bad line: %s', (line, message) => {
    const fn = () => parseQuestions(`Fine question?\n${line}\n`, 'q.jsonl');
    expect(fn).toThrow(message);
    try {
      fn();
    } catch (error) {
      expect(isAppError(error, 'usage')).toBe(true);
    }
  });

  it('refuses a file without questions', () => {
    expect(() => parseQuestions('\n# only a comment\n', 'empty.txt')).toThrow(
      'empty.txt holds no questions',
    );
  });
});
