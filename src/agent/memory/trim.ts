import {
  AIMessage,
  HumanMessage,
  RemoveMessage,
  SystemMessage,
  ToolMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import { REMOVE_ALL_MESSAGES } from '@langchain/langgraph';

/** The name that marks a thread's running summary (a SystemMessage at the start of the thread). */
const SUMMARY_NAME = 'conversation_summary';

/**
 * Folds the messages that leave the history into the running summary. `previous` is the text of
 * the summary so far, if any. Must be deterministic and return bounded text: the result is
 * stored in the thread.
 */
type Summarize = (dropped: BaseMessage[], previous: string | undefined) => string;

interface TrimOptions {
  /** Most messages sent to the model (LANDUSE_MAX_HISTORY_LENGTH), the summary included. */
  maxMessages: number;
  /** How older turns are folded in; an extractive summary by default. */
  summarize?: Summarize;
  /** The provider's system prompt, merged with the summary into one leading SystemMessage. */
  systemPrompt?: string;
}

/** True for the running-summary message that compaction leaves at the start of a thread. */
export function isSummaryMessage(m: BaseMessage | undefined): m is SystemMessage {
  return SystemMessage.isInstance(m) && m.name === SUMMARY_NAME;
}

/**
 * The history to send to a model: the last messages that fit in `maxMessages` (one slot goes to
 * the summary once anything is left out), starting at a question, so an AI tool call is never
 * separated from its tool results. The current turn (from the last question on) is always kept
 * whole, even when it alone is longer than `maxMessages`. Older turns are folded into a running
 * summary, merged with `systemPrompt` into one leading SystemMessage.
 */
export function trimHistory(messages: BaseMessage[], options: TrimOptions): BaseMessage[] {
  const plan = planTrim(messages, options.maxMessages);
  const summarize = options.summarize ?? extractiveSummary;
  const summary = plan.dropped.length
    ? summarize(plan.dropped, plan.previous && textOf(plan.previous))
    : plan.previous && textOf(plan.previous);
  const system = [options.systemPrompt, summary].filter((s): s is string => !!s).join('\n\n');
  if (!system) return plan.kept;
  const head =
    summary && !options.systemPrompt
      ? new SystemMessage({ content: system, name: SUMMARY_NAME })
      : new SystemMessage(system);
  return [head, ...plan.kept];
}

/**
 * The state update that keeps a stored thread bounded: when the thread is longer than
 * `maxMessages`, the older turns are replaced by one running-summary message, in place at the
 * start of the thread, with `RemoveMessage`s for the rest. Returns `{ messages: [] }` when there
 * is nothing to fold. Meant for a graph node that runs before the model, at the start of a turn:
 * the current turn is never touched.
 */
/** Whether compactThreadUpdate would fold anything (so the graph can skip its node). */
export function needsCompaction(messages: BaseMessage[], maxMessages: number): boolean {
  return planTrim(messages, maxMessages).dropped.length > 0;
}

export function compactThreadUpdate(
  messages: BaseMessage[],
  maxMessages: number,
  summarize: Summarize = extractiveSummary,
): { messages: BaseMessage[] } {
  const plan = planTrim(messages, maxMessages);
  if (plan.dropped.length === 0) return { messages: [] };
  const text = summarize(plan.dropped, plan.previous && textOf(plan.previous));
  const gone = plan.previous ? [plan.previous, ...plan.dropped] : plan.dropped;
  const [first, ...rest] = gone;
  if (first?.id && rest.every((m) => m.id)) {
    // Reusing the first message's id puts the summary where it was, at the start of the thread.
    const summary = new SystemMessage({ content: text, name: SUMMARY_NAME, id: first.id });
    return { messages: [summary, ...rest.map((m) => new RemoveMessage({ id: m.id! }))] };
  }
  // Messages without ids (not yet through the reducer) cannot be removed one by one.
  const summary = new SystemMessage({ content: text, name: SUMMARY_NAME });
  return {
    messages: [new RemoveMessage({ id: REMOVE_ALL_MESSAGES }), summary, ...plan.kept],
  };
}

interface TrimPlan {
  /** The thread's running summary so far, if it starts with one. */
  previous: SystemMessage | undefined;
  /** Messages to fold into the summary, oldest first. */
  dropped: BaseMessage[];
  /** Messages to keep as they are. */
  kept: BaseMessage[];
}

/** Where to cut: the longest tail that fits, starting at a question, never inside a turn in progress. */
function planTrim(messages: BaseMessage[], maxMessages: number): TrimPlan {
  if (!Number.isInteger(maxMessages) || maxMessages < 2) {
    throw new RangeError('maxMessages must be an integer of at least 2.');
  }
  const previous = isSummaryMessage(messages[0]) ? messages[0] : undefined;
  const rest = previous ? messages.slice(1) : messages;
  if (rest.length + (previous ? 1 : 0) <= maxMessages) return { previous, dropped: [], kept: rest };

  const groups = toolCallGroups(rest);
  const lastQuestion = rest.findLastIndex((m) => HumanMessage.isInstance(m));
  const budget = maxMessages - 1; // one slot for the summary
  let start = rest.length;
  for (let g = groups.length - 1; g >= 0; g--) {
    const groupStart = groups[g]!;
    const mustKeep = groupStart >= lastQuestion && lastQuestion >= 0;
    if (!mustKeep && rest.length - groupStart > budget) break;
    start = groupStart;
  }
  if (lastQuestion < 0 && start === rest.length) start = groups.at(-1) ?? rest.length;
  // Start at a question: a model reads a tail that opens mid-turn as an answer to nothing.
  const question = rest.findIndex((m, i) => i >= start && HumanMessage.isInstance(m));
  if (question >= 0) start = question;
  // A tool result whose call is gone is invalid for every provider.
  while (start < rest.length && ToolMessage.isInstance(rest[start])) start++;
  return { previous, dropped: rest.slice(0, start), kept: rest.slice(start) };
}

/**
 * Start indexes of the units a cut may not split: an AI message with tool calls together with
 * the tool results right after it; every other message alone.
 */
function toolCallGroups(messages: BaseMessage[]): number[] {
  const starts: number[] = [];
  for (let i = 0; i < messages.length;) {
    starts.push(i);
    const m = messages[i]!;
    i++;
    if (AIMessage.isInstance(m) && m.tool_calls?.length) {
      while (i < messages.length && ToolMessage.isInstance(messages[i])) i++;
    }
  }
  return starts;
}

/** Limits of the extractive summary, so the stored summary stays small however long the thread. */
export const SUMMARY_LIMITS = { items: 8, questionChars: 120, answerChars: 160, totalChars: 1600 };

const HEADER = /^Earlier in this conversation \((\d+) questions?/;

/**
 * A deterministic running summary: one line per earlier question with the tools it used and the
 * headline of its answer, the newest `SUMMARY_LIMITS.items` lines kept and the total counted.
 */
export function extractiveSummary(dropped: BaseMessage[], previous: string | undefined): string {
  const old = (previous ?? '').split('\n').filter((l) => l.startsWith('- '));
  const oldCount = Number(HEADER.exec(previous ?? '')?.[1] ?? old.length);
  const fresh: string[] = [];
  let turn: { question: string; tools: string[]; answer: string } | undefined;
  const flush = () => {
    if (!turn) return;
    const tools = turn.tools.length ? ` [${[...new Set(turn.tools)].join(', ')}]` : '';
    const answer = turn.answer
      ? ` → ${clip(headline(turn.answer), SUMMARY_LIMITS.answerChars)}`
      : '';
    fresh.push(
      `- "${clip(oneLine(turn.question), SUMMARY_LIMITS.questionChars)}"${tools}${answer}`,
    );
  };
  for (const m of dropped) {
    if (HumanMessage.isInstance(m)) {
      flush();
      turn = { question: textOf(m), tools: [], answer: '' };
    } else if (turn && AIMessage.isInstance(m)) {
      turn.tools.push(...(m.tool_calls ?? []).map((c) => c.name));
      if (textOf(m).trim()) turn.answer = textOf(m);
    }
  }
  flush();
  const count = oldCount + fresh.length;
  let items = [...old, ...fresh].slice(-SUMMARY_LIMITS.items);
  const render = () =>
    [
      `Earlier in this conversation (${count} question${count === 1 ? '' : 's'}` +
        `${items.length < count ? `, the last ${items.length} shown` : ''}):`,
      ...items,
    ].join('\n');
  while (items.length > 1 && render().length > SUMMARY_LIMITS.totalChars) items = items.slice(1);
  return clip(render(), SUMMARY_LIMITS.totalChars);
}

/** The first sentence of an answer, without markdown. */
function headline(answer: string): string {
  const line =
    answer
      .split('\n')
      .map((l) => oneLine(l.replace(/^[#>\-*\s|]+/, '').replace(/[*_`]/g, '')))
      .find((l) => l.length > 0) ?? '';
  const sentence = /^.*?[.!?](?=\s|$)/.exec(line)?.[0];
  return sentence ?? line;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/** A message's text, whether its content is a string or content blocks. */
export function textOf(m: BaseMessage): string {
  if (typeof m.content === 'string') return m.content;
  return m.content
    .map((c) => (c.type === 'text' && 'text' in c && typeof c.text === 'string' ? c.text : ''))
    .join('');
}

/**
 * The current turn of a conversation: the index of its last question (-1 when there is none),
 * the question, and the messages after it (tool calls, tool results, answers).
 */
export function currentTurn(messages: readonly BaseMessage[]): {
  start: number;
  question: BaseMessage | undefined;
  after: BaseMessage[];
} {
  const start = messages.findLastIndex((m) => HumanMessage.isInstance(m));
  return { start, question: messages[start], after: messages.slice(start + 1) };
}
