import { randomUUID } from 'node:crypto';
import {
  BaseChatModel,
  type BaseChatModelParams,
} from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import {
  DOCUMENTS_TOOL,
  isDocumentsResult,
  isSqlTable,
  type ToolArtifact,
} from '../tools/index.ts';
import { narrateDocuments } from '../narrate-documents.ts';
import { recordModelCall } from '../../observability/index.ts';
import { currentTurn } from '../memory/trim.ts';
import { narrate } from '../narrate.ts';
import { knowledgeRoute, planQuestion, type Plan, type PlannerContext } from '../planner/index.ts';

/** The offline planner's name as a model (gen_ai.request.model in the metrics). */
const OFFLINE_MODEL = 'offline-planner';

/**
 * The embedded offline planner as a LangChain chat model, so the same graph, memory and
 * streaming serve it and the LLM providers. On a question it answers with a tool call (planned
 * from the words and the thread's previous question); once the tool results are in, it composes
 * the answer from their numbers. It needs no key and no network.
 */
export class OfflineChatModel extends BaseChatModel {
  constructor(params: BaseChatModelParams = {}) {
    super(params);
  }

  override _llmType(): string {
    return 'offline-planner';
  }

  /** The planner knows the tools already; binding is a no-op so the graph can treat all models alike. */
  override bindTools(): this {
    return this;
  }

  override async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    // Planning a question, or narrating its results: the offline planner's model call.
    const started = performance.now();
    let errorType: string | undefined = 'other';
    let message: AIMessage;
    try {
      message = await Promise.resolve(respond(messages));
      errorType = undefined;
    } finally {
      recordModelCall({
        provider: 'offline',
        model: OFFLINE_MODEL,
        durationMs: performance.now() - started,
        inputTokens: 0,
        outputTokens: 0,
        errorType,
      });
    }
    return {
      generations: [{ text: typeof message.content === 'string' ? message.content : '', message }],
    };
  }
}

function respond(messages: BaseMessage[]): AIMessage {
  const turn = currentTurn(messages);
  const turnStart = turn.start;
  const question = turn.question ? textOf(turn.question) : '';
  const results = turn.after.filter((m) => ToolMessage.isInstance(m));
  if (results.length > 0) return compose(results);
  const context = previousContext(messages, turnStart);
  // About the assessment itself: the documents, and the data too when figures are asked for.
  const documents = knowledgeRoute(question);
  if (documents) {
    const data = documents.alsoData ? planQuestion(question, context) : undefined;
    const calls = [
      {
        id: `call_${randomUUID()}`,
        name: DOCUMENTS_TOOL,
        // The answer quotes the best passage and points to the next: both are its sources.
        args: { query: documents.query, limit: 2 },
        type: 'tool_call' as const,
      },
      ...(data?.kind === 'tool'
        ? [
            {
              id: `call_${randomUUID()}`,
              name: data.tool,
              args: data.args,
              type: 'tool_call' as const,
            },
          ]
        : []),
    ];
    return new AIMessage({
      content: '',
      tool_calls: calls,
      // A follow-up ("and in Texas?") continues the data part.
      additional_kwargs: data?.kind === 'tool' ? { plan: data } : {},
    });
  }
  const plan = planQuestion(question, context);
  if (plan.kind === 'decline') {
    const examples = plan.examples.map((e: string) => `- ${e}`).join('\n');
    return new AIMessage({
      content: `${plan.message}\n\nYou could ask, for example:\n${examples}`,
      additional_kwargs: { plan },
    });
  }
  return new AIMessage({
    content: '',
    tool_calls: [
      { id: `call_${randomUUID()}`, name: plan.tool, args: plan.args, type: 'tool_call' },
    ],
    additional_kwargs: { plan },
  });
}

/** The thread's previous planned question, for follow-ups such as "and in Texas?". */
function previousContext(messages: BaseMessage[], turnStart: number): PlannerContext {
  for (let i = turnStart - 1; i >= 0; i--) {
    const m = messages[i]!;
    const plan = AIMessage.isInstance(m)
      ? (m.additional_kwargs.plan as Plan | undefined)
      : undefined;
    if (plan?.kind === 'tool') {
      const asked = messages.slice(0, i).findLast((x) => HumanMessage.isInstance(x));
      return { previous: { question: asked ? textOf(asked) : '', plan: plan } };
    }
  }
  return {};
}

function compose(results: BaseMessage[]): AIMessage {
  const parts: string[] = [];
  const followUps: string[] = [];
  for (const m of results) {
    const artifact = (m as ToolMessage).artifact as ToolArtifact | undefined;
    if (!artifact) {
      // A failed tool call: its message says what went wrong, in words meant for the person.
      parts.push(clarification(textOf(m)));
      continue;
    }
    if (isSqlTable(artifact.result)) {
      const t = artifact.result;
      parts.push(
        `The query returned ${t.rows.length} row${t.rows.length === 1 ? '' : 's'}${t.truncated ? ` (truncated at ${t.limit})` : ''}.`,
      );
      continue;
    }
    const n = isDocumentsResult(artifact.result)
      ? narrateDocuments(artifact.result)
      : narrate(artifact.name, artifact.result);
    parts.push(n.answer);
    followUps.push(...n.followUps);
  }
  return new AIMessage({
    content: parts.join('\n\n'),
    additional_kwargs: { followUps: [...new Set(followUps)].slice(0, 3) },
  });
}

/**
 * A short clarifying answer from a failed tool call's message. LangGraph's tool node frames the
 * error for a model ("Error: ... Please fix your mistakes."); a person gets the reason, the
 * choices it names, and how to ask again.
 */
export function clarification(toolError: string): string {
  const reason = toolError
    .replace(/^Error:\s*/, '')
    .replace(/\s*Please fix your mistakes\.?\s*$/, '')
    .replace(/^Invalid [\w ]+?:\s*/, '')
    .trim();
  return `I could not answer that as asked: ${reason}\n\nAsk again naming it another way, for example a state ("in Wisconsin"), a county with its state ("Dane County, Wisconsin"), a scenario (LM, HM, HL, HH) or years from 2012 to 2070.`;
}

function textOf(m: BaseMessage): string {
  return typeof m.content === 'string'
    ? m.content
    : m.content.map((c) => ('text' in c ? String(c.text) : '')).join('');
}
