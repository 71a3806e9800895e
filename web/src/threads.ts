import type { AskResult, Source, Table, ToolCall } from './api.ts';

/** One question and what came back, as the chat shows it. */
export interface Turn {
  id: string;
  question: string;
  answer: string;
  tools: (ToolCall & { running?: boolean })[];
  tables: Table[];
  followUps: string[];
  /** The documents the answer quotes (absent in turns kept before sources existed). */
  sources?: Source[];
  /** Set once the answer is complete. */
  result?: Pick<AskResult, 'threadId' | 'provider' | 'dataset' | 'timings'>;
  error?: { code: string; message: string };
  /** Seconds until the next try when the server was busy. */
  retryIn?: number;
  stopped?: boolean;
  feedback?: 'up' | 'down';
}

const TURNS = 'landuse.turns.';
const NAMES = 'landuse.threadNames';
/** Tables kept per turn in the browser (the server keeps the conversation itself). */
const MAX_ROWS_KEPT = 200;

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

/** The turns of a thread as this browser saw them (tables included), so a reload shows them again. */
export function savedTurns(threadId: string): Turn[] | null {
  return read<Turn[] | null>(TURNS + threadId, null);
}

export function saveTurns(threadId: string, turns: Turn[]) {
  const slim = turns
    .filter((t) => t.result)
    .map((t) => ({
      ...t,
      retryIn: undefined,
      tables: t.tables.map((x) => ({ ...x, rows: x.rows.slice(0, MAX_ROWS_KEPT) })),
    }));
  try {
    localStorage.setItem(TURNS + threadId, JSON.stringify(slim));
  } catch {
    // Storage full: the server still has the conversation.
  }
}

export function forgetThread(threadId: string) {
  localStorage.removeItem(TURNS + threadId);
  const names = threadNames();
  delete names[threadId];
  localStorage.setItem(NAMES, JSON.stringify(names));
}

/** Names people gave their threads (kept in this browser). */
export function threadNames(): Record<string, string> {
  return read<Record<string, string>>(NAMES, {});
}

export function renameThread(threadId: string, name: string) {
  const names = threadNames();
  if (name.trim()) names[threadId] = name.trim();
  else delete names[threadId];
  localStorage.setItem(NAMES, JSON.stringify(names));
}

interface ThreadMessage {
  role: 'user' | 'assistant' | 'tool' | 'system';
  content: string;
  toolCalls?: { name: string; args: Record<string, unknown> }[];
  /** On a turn's answer: the documents it quoted. */
  sources?: Source[];
}

/** Turns rebuilt from the server's copy of a thread (no tables: those stay with the answer). */
export function turnsFromMessages(threadId: string, messages: ThreadMessage[]): Turn[] {
  const turns: Turn[] = [];
  for (const m of messages) {
    if (m.role === 'user') {
      turns.push({
        id: `${threadId}-${turns.length}`,
        question: m.content,
        answer: '',
        tools: [],
        tables: [],
        followUps: [],
        result: { threadId, provider: '', dataset: '', timings: { totalMs: 0 } },
      });
    } else if (m.role === 'assistant') {
      const t = turns.at(-1);
      if (!t) continue;
      for (const c of m.toolCalls ?? []) t.tools.push({ name: c.name, args: c.args });
      if (m.content) t.answer = t.answer ? `${t.answer}\n\n${m.content}` : m.content;
      if (m.sources?.length) t.sources = [...(t.sources ?? []), ...m.sources];
    }
  }
  return turns;
}
