/**
 * The other side of a scripted model: virtual users of a real server, for fault tests under
 * load. Each keeps its visitor cookie (its conversations belong to it), asks over /api/ask or
 * the /api/chat stream, and reads its threads back; plus a seeded random source for schedules.
 */
import { seededRandom } from '../../src/loadtest/mixes.ts';
import { sseEvents } from '../../src/loadtest/targets.ts';

/** The fields of an answer these tests read. */
export interface Answer {
  answer: string;
  provider: string;
  threadId: string;
  toolCalls: { name: string }[];
  metrics: { retries: number; fallbacks: number };
}

/** One question's outcome: the status, the answer (the stream's `final`), its streamed text. */
export interface Turn {
  status: number;
  body: Answer;
  /** The stream's token events joined (streamed turns only). */
  tokens?: string;
  /** What went wrong, for assertion messages. */
  error?: string;
  ms: number;
}

/** A new visitor's owner cookie, as a browser keeps it. */
export async function visitor(base: string): Promise<string> {
  const res = await fetch(`${base}/api/threads`);
  const set = res.headers.getSetCookie()[0];
  if (!set) throw new Error('The server issued no owner cookie.');
  return set.split(';')[0]!;
}

/** Asks one question as the visitor, streamed or not; never throws on a failed request. */
export async function askTurn(
  base: string,
  cookie: string,
  props: { question: string; threadId?: string | undefined; stream: boolean },
): Promise<Turn> {
  const started = performance.now();
  const res = await fetch(`${base}/api/${props.stream ? 'chat' : 'ask'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({
      question: props.question,
      ...(props.threadId ? { threadId: props.threadId } : {}),
    }),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  if (!props.stream || res.status !== 200) {
    const body = (res.status === 200 ? JSON.parse(text) : {}) as Answer;
    return { status: res.status, body, ms, ...(res.status === 200 ? {} : { error: text }) };
  }
  const events = sseEvents(text).map((e) => ({
    event: e.event,
    data: JSON.parse(e.data) as unknown,
  }));
  const final = events.find((e) => e.event === 'final');
  const failed = events.find((e) => e.event === 'error');
  const tokens = events
    .filter((e) => e.event === 'token')
    .map((e) => (e.data as { text: string }).text)
    .join('');
  return {
    // An error event after the 200 is a failed request all the same.
    status: final && !failed ? 200 : 500,
    body: (final?.data ?? {}) as Answer,
    tokens,
    ms,
    ...(failed ? { error: JSON.stringify(failed.data) } : {}),
  };
}

/** A thread as GET /api/threads/:id shows it to its owner. */
export async function threadView(
  base: string,
  cookie: string,
  threadId: string,
): Promise<{ messages: { role: string; content: string; toolCalls?: unknown[] }[] }> {
  const res = await fetch(`${base}/api/threads/${threadId}`, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`thread ${threadId}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { messages: { role: string; content: string }[] };
}

/** A small seeded random source (mulberry32): the same schedule on every run. */
export const mulberry32 = seededRandom;

/** The items in a seeded random order (Fisher-Yates). */
export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
