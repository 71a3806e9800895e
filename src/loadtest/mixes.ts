import { readFile } from 'node:fs/promises';
import { AppError } from '../domain/index.ts';
import {
  ANALYTICS_PATHS,
  distinctQuestions,
  EXPORT_PATHS,
  FOLLOW_UPS,
  POPULAR_QUESTIONS,
  SQL_QUERIES,
  TOOL_QUESTIONS,
} from './questions.ts';

export const REQUEST_KINDS = ['ask', 'chat', 'analytics', 'sql', 'export'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/**
 * One request of a virtual user. A follow-up is asked on the user's current thread (the one its
 * last answer started); without one it is asked as a new question.
 */
export type LoadRequest =
  | { kind: 'ask'; question: string; followUp: boolean }
  | { kind: 'chat'; question: string; followUp: boolean }
  | { kind: 'analytics'; path: string }
  | { kind: 'sql'; sql: string }
  | { kind: 'export'; path: string };

export interface Mix {
  readonly name: 'realistic' | 'distinct' | 'file';
  /** One line for the report. */
  readonly description: string;
  /** The request source of virtual user `user` (0, 1, ...): each keeps its own place. */
  forUser(user: number): () => LoadRequest;
}

/** A small, fast, seeded random number generator (mulberry32): the same seed, the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

/** An index drawn with weight 1/(rank+1): the first items come up most (Zipf). */
function zipf(n: number, random: () => number): number {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1));
  let r = random() * weights.reduce((a, b) => a + b, 0);
  for (const [i, w] of weights.entries()) {
    r -= w;
    if (r < 0) return i;
  }
  return n - 1;
}

/** What a user does next, by weight (the shares of journeys, not of requests). */
const JOURNEYS = [
  { name: 'popular', weight: 35 },
  { name: 'tool', weight: 20 },
  { name: 'chat', weight: 15 },
  { name: 'dashboard', weight: 15 },
  { name: 'explorer', weight: 8 },
  { name: 'export', weight: 7 },
] as const;

/**
 * The realistic mix: each virtual user goes from one journey to the next. A popular question
 * (drawn by rank, so the top few repeat as on a real site and the answer cache serves them),
 * often followed by one or two follow-ups on the same thread ("and in Texas?"); a question for
 * one of the agent's tools, in turn, so every tool is called; a streamed chat answer and a
 * follow-up; a look at the dashboard (three analytics requests); a SQL explorer query; an export
 * (its row count, then the file). Seeded: the same users ask the same things in every run.
 */
export function realisticMix(seed = 1): Mix {
  let toolCursor = 0;
  const total = JOURNEYS.reduce((a, j) => a + j.weight, 0);
  return {
    name: 'realistic',
    description:
      'popular questions repeated by rank, a question for every tool, follow-ups on the same thread, chat streams, dashboard, SQL and export requests',
    forUser(user) {
      const random = seededRandom(seed * 7919 + user);
      const queue: LoadRequest[] = [];
      const followUps = (kind: 'ask' | 'chat') => {
        if (random() < 0.5) {
          queue.push({ kind, question: pick(FOLLOW_UPS, random), followUp: true });
          if (random() < 0.4)
            queue.push({ kind, question: pick(FOLLOW_UPS, random), followUp: true });
        }
      };
      const plan = () => {
        let r = random() * total;
        const journey = JOURNEYS.find((j) => (r -= j.weight) < 0) ?? JOURNEYS[0];
        switch (journey.name) {
          case 'popular':
            queue.push({
              kind: 'ask',
              question: POPULAR_QUESTIONS[zipf(POPULAR_QUESTIONS.length, random)]!,
              followUp: false,
            });
            followUps('ask');
            break;
          case 'tool':
            queue.push({
              kind: 'ask',
              question: TOOL_QUESTIONS[toolCursor++ % TOOL_QUESTIONS.length]!.question,
              followUp: false,
            });
            followUps('ask');
            break;
          case 'chat':
            queue.push({
              kind: 'chat',
              question: pick(TOOL_QUESTIONS, random).question,
              followUp: false,
            });
            followUps('chat');
            break;
          case 'dashboard':
            for (let i = 0; i < 3; i += 1)
              queue.push({ kind: 'analytics', path: pick(ANALYTICS_PATHS, random) });
            break;
          case 'explorer':
            queue.push({ kind: 'sql', sql: pick(SQL_QUERIES, random) });
            break;
          case 'export': {
            const e = pick(EXPORT_PATHS, random);
            queue.push({ kind: 'export', path: e.count }, { kind: 'export', path: e.file });
            break;
          }
        }
      };
      return () => {
        if (queue.length === 0) plan();
        return queue.shift()!;
      };
    },
  };
}

/**
 * The distinct mix: questions that never repeat within the run (distinctQuestions(), shared by
 * all users), each a new conversation, so neither the answer cache nor the query cache carries
 * the result: every request runs the agent and its queries.
 */
export function distinctMix(): Mix {
  const questions = distinctQuestions();
  return {
    name: 'distinct',
    description: 'generated questions that never repeat within the run, so no cache carries them',
    forUser() {
      return () => ({ kind: 'ask', question: questions.next().value, followUp: false });
    },
  };
}

/**
 * Questions from a file: one question per line, or JSON lines with a `question` field (other
 * fields are ignored, so eval sets work as they are). Blank lines and lines starting with # are
 * skipped. Users take them in turn, from the start again after the last.
 */
export async function fileMix(path: string): Promise<Mix> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError(
      'usage:questions_file',
      `Cannot read the questions file ${path}${code === 'ENOENT' ? ': there is no such file' : code === 'EISDIR' ? ': it is a folder' : ''}.`,
      { cause: error },
    );
  }
  const questions = parseQuestions(text, path);
  let cursor = 0;
  return {
    name: 'file',
    description: `${questions.length} question${questions.length === 1 ? '' : 's'} from ${path}, in turn`,
    forUser() {
      return () => ({
        kind: 'ask',
        question: questions[cursor++ % questions.length]!,
        followUp: false,
      });
    },
  };
}

/** The questions of a questions file's text (see fileMix); a bad line is named. */
export function parseQuestions(text: string, path: string): string[] {
  const out: string[] = [];
  for (const [n, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (!line.startsWith('{')) {
      out.push(line);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new AppError(
        'usage:questions_file',
        `${path}, line ${n + 1}: not valid JSON (a line starting with { is read as JSON with a "question" field).`,
      );
    }
    const question = (value as { question?: unknown }).question;
    if (typeof question !== 'string' || !question.trim()) {
      throw new AppError(
        'usage:questions_file',
        `${path}, line ${n + 1}: expected a "question" field holding text.`,
      );
    }
    out.push(question.trim());
  }
  if (out.length === 0) {
    throw new AppError('usage:questions_file', `${path} holds no questions.`);
  }
  return out;
}
