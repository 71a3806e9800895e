/**
 * Garbled tool calls from a provider, told apart from a question the tools cannot answer: a
 * call whose arguments are not JSON, a call of a tool that does not exist, or arguments that
 * do not fit the tool's schema. Those are the model's faults, as a 500 is the server's: they
 * are retried, and past the retry budget the offline planner answers with the reason.
 *
 * Arguments that are not JSON are noise in the reply (a cut-off stream): the call is asked
 * again as it was. A wrong tool name or wrong arguments are the model's mistake: the graph
 * tells it what went wrong (the tool node's error) and it gets another round, a "retry" with
 * feedback; the rounds of a turn that were garbled are counted from the turn's messages, so no
 * state is kept beside the conversation.
 */
import type { BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { currentTurn } from '../memory/trim.ts';

/** A bound tool's argument check: its zod schema's safeParse, when it has one. */
type ArgsCheck = ((args: unknown) => boolean) | undefined;

/** The tools a model was bound to, by name. */
export type ToolChecks = ReadonlyMap<string, ArgsCheck>;

/** A provider reply whose tool call arguments are not JSON (LangChain's invalid_tool_calls). */
export class MalformedReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedReplyError';
  }
}

/**
 * The names and argument checks of tools as given to bindTools (LangChain tools with a zod
 * schema); undefined when none of them can be read, so nothing is judged.
 */
export function toolChecks(tools: BindToolsInput[]): ToolChecks | undefined {
  const checks = new Map<string, ArgsCheck>();
  for (const t of tools) {
    if (typeof t !== 'object' || t === null) continue;
    const { name, schema } = t as { name?: unknown; schema?: unknown };
    if (typeof name !== 'string') continue;
    const parse = (schema as { safeParse?: unknown } | undefined)?.safeParse;
    checks.set(
      name,
      typeof parse === 'function'
        ? (args) => (parse.call(schema, args) as { success: boolean }).success
        : undefined,
    );
  }
  return checks.size > 0 ? checks : undefined;
}

/** Why a reply's tool calls cannot run, in words for the person reading the answer. */
export function malformedCalls(message: BaseMessage, checks: ToolChecks): string | undefined {
  if (!AIMessage.isInstance(message)) return undefined;
  for (const call of message.tool_calls ?? []) {
    if (!checks.has(call.name)) return `it called a tool that does not exist (${call.name})`;
    const check = checks.get(call.name);
    if (check && !check(call.args)) return `its arguments for ${call.name} did not fit the tool`;
  }
  return undefined;
}

/** The reason a reply's tool call arguments are not JSON, when they are not. */
export function unparsedCalls(message: BaseMessage): string | undefined {
  if (!AIMessage.isInstance(message)) return undefined;
  const invalid = message.invalid_tool_calls ?? [];
  if (invalid.length === 0) return undefined;
  return `its tool call arguments were not valid JSON${invalid[0]?.name ? ` (${invalid[0].name})` : ''}`;
}

/**
 * The garbled rounds of the current turn (the provider's replies whose calls could not run),
 * each with its reason, and whether the turn's latest model reply is one of them.
 */
export function garbledRounds(
  messages: BaseMessage[],
  checks: ToolChecks,
  isPlanner: (m: BaseMessage) => boolean,
): { reasons: string[]; lastIsGarbled: boolean } {
  const replies = currentTurn(messages).after.filter(
    (m) => AIMessage.isInstance(m) && !isPlanner(m),
  );
  const reasons: string[] = [];
  let lastIsGarbled = false;
  for (const m of replies) {
    const reason = malformedCalls(m, checks);
    if (reason) reasons.push(reason);
    lastIsGarbled = reason !== undefined;
  }
  return { reasons, lastIsGarbled };
}

/**
 * The conversation without the turn's garbled rounds (the provider's calls that could not run,
 * and the errors answering them), for the offline planner: it plans the question afresh, or
 * narrates the results of the provider's calls that did run.
 */
export function withoutGarbledRounds(
  messages: BaseMessage[],
  checks: ToolChecks,
  isPlanner: (m: BaseMessage) => boolean,
): BaseMessage[] {
  const { start } = currentTurn(messages);
  if (start < 0) return messages;
  const dropped = new Set<string>();
  const kept = messages.slice(start + 1).filter((m) => {
    if (AIMessage.isInstance(m) && !isPlanner(m) && malformedCalls(m, checks)) {
      for (const c of m.tool_calls ?? []) if (c.id) dropped.add(c.id);
      return false;
    }
    return !(ToolMessage.isInstance(m) && dropped.has(m.tool_call_id));
  });
  return [...messages.slice(0, start + 1), ...kept];
}
