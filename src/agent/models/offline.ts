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
import {
  aboutTheRpa,
  asksForFigures,
  knowledgeRoute,
  planQuestion,
  type KnowledgeRoute,
  type Plan,
  type PlannerContext,
} from '../planner/index.ts';
import { defaultKnowledgeBase } from '../../knowledge/index.ts';

/**
 * How much a question is like the questions the knowledge documents answer (0 to 1): the
 * similarity of the nearest example question (KnowledgeBase.likeness).
 */
export type Likeness = (question: string) => Promise<number>;

/**
 * A question the planner would decline goes to the documents when it is at least this like an
 * example question (and has a word of the assessment's world). Above the likeness of every
 * question the planner's tuning sets say must be declined (at most 0.64: "How much forest will
 * Alaska lose by 2070?"), so those stay declines.
 */
const DECLINE_TO_DOCUMENTS = 0.7;
/**
 * A question the planner answers with data, that asks for no figures and names no place, also
 * gets the documents when it is at least this like an example question: "what does the 365 in
 * HadGEM2_ES365 mean" is about the model, and its data stays beside the passage.
 */
const ALSO_DOCUMENTS = 0.65;

/** The offline planner's name as a model (gen_ai.request.model in the metrics). */
const OFFLINE_MODEL = 'offline-planner';

/**
 * The embedded offline planner as a LangChain chat model, so the same graph, memory and
 * streaming serve it and the LLM providers. On a question it answers with a tool call (planned
 * from the words and the thread's previous question); once the tool results are in, it composes
 * the answer from their numbers. It needs no key and no network.
 */
export class OfflineChatModel extends BaseChatModel {
  private readonly likeness: Likeness;

  /** `likeness`: default, the example questions of the bundled documents. */
  constructor(params: BaseChatModelParams & { likeness?: Likeness } = {}) {
    super(params);
    this.likeness =
      params.likeness ?? (async (q) => (await defaultKnowledgeBase().likeness(q)).similarity);
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
      message = await respond(messages, this.likeness);
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

async function respond(messages: BaseMessage[], likeness: Likeness): Promise<AIMessage> {
  const turn = currentTurn(messages);
  const turnStart = turn.start;
  const question = turn.question ? textOf(turn.question) : '';
  const results = turn.after.filter((m) => ToolMessage.isInstance(m));
  if (results.length > 0) return compose(results);
  const context = previousContext(messages, turnStart);
  // About the assessment itself: the documents, and the data too when figures are asked for.
  const routed = knowledgeRoute(question);
  const plan = planQuestion(question, context);
  const documents = routed ?? (await likeRoute(question, plan, likeness));
  if (documents) {
    const data = documents.alsoData ? plan : undefined;
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

/**
 * The documents for a question the words of knowledgeRoute missed but that is worded like the
 * questions the documents answer: instead of a decline (when it has a word of the assessment's
 * world), or beside a data answer that asks for no figures and names no place. A question for
 * figures, or a follow-up, keeps its data answer alone.
 */
async function likeRoute(
  question: string,
  plan: Plan,
  likeness: Likeness,
): Promise<KnowledgeRoute | undefined> {
  if (plan.kind === 'decline') {
    if (plan.reason !== 'out_of_domain' || !aboutTheRpa(question)) return undefined;
    return (await likeness(question)) >= DECLINE_TO_DOCUMENTS
      ? { query: question.trim(), alsoData: false }
      : undefined;
  }
  // A follow-up ("what about under HH?") continues the previous question: its plan is its answer.
  const named = plan.understood.states.length > 0 || plan.understood.county !== undefined;
  if (plan.followUp || named || asksForFigures(question)) return undefined;
  return (await likeness(question)) >= ALSO_DOCUMENTS
    ? { query: question.trim(), alsoData: true }
    : undefined;
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
