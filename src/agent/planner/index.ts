/**
 * The offline planner: a plain-English question about the RPA land use projections to one tool
 * call (or a polite refusal), with no model, no key and no network. Pure and deterministic.
 *
 * The steps: tokenise and respell (tokens.ts); fill slots, each claiming its words (extract.ts);
 * refuse what the data cannot answer (decline.ts); lay a follow-up over the previous question
 * (followup.ts); score the intents (intent.ts); fill the tool's arguments (args.ts).
 */
import { buildArgs } from './args.ts';
import { leavesOutDc } from './cues.ts';
import { compositionCues } from './compose.ts';
import { needsGeneralTool, planArgs } from './general.ts';
import { rewriteConversions, rewriteStateAdjectives, rewriteTypos } from './rewrite.ts';
import { declineEmpty, declineFor, declineUnknown } from './decline.ts';
import { extract } from './extract.ts';
import { followUpPlan, isFollowUp, mergeSlots, namesSomething } from './followup.ts';
import { chooseTool } from './intent.ts';
import type { Plan, PlannerContext, Slots, ToolName } from './types.ts';

export type {
  ChangeSlot,
  Cue,
  MetricName,
  Plan,
  PlannerContext,
  Slots,
  TimeSlot,
  ToolArgs,
  ToolName,
} from './types.ts';
export { TOOL_NAMES } from './types.ts';
export { EXAMPLE_QUESTIONS } from './decline.ts';
export { aboutTheRpa, asksForFigures, knowledgeRoute, type KnowledgeRoute } from './knowledge.ts';

/**
 * The call for the chosen tool, or, when the question asks for something that tool would drop,
 * the general tool with a query plan composed from the same slots.
 */
function toPlan(tool: ToolName, slots: Slots): Extract<Plan, { kind: 'tool' }> {
  if (tool === 'query_land_use' || needsGeneralTool(tool, slots)) {
    return {
      kind: 'tool',
      tool: 'query_land_use',
      args: planArgs(tool, slots),
      understood: { ...slots, assumed: [] },
    };
  }
  const { args, assumed } = buildArgs(tool, slots);
  return { kind: 'tool', tool, args, understood: { ...slots, assumed } };
}

/**
 * Plans the tool call that answers a question, reading follow-ups ("and in Texas?") against the
 * previous question's plan in `context`. Declines, with example questions, when the question is
 * empty, asks to change data, or is about something the data does not cover.
 */
export function planQuestion(question: string, context: PlannerContext = {}): Plan {
  const text =
    typeof question === 'string'
      ? rewriteConversions(rewriteStateAdjectives(rewriteTypos(question.trim())))
      : '';
  if (!/[\p{L}\p{N}]/u.test(text)) return declineEmpty();
  const ex = extract(text);
  if (leavesOutDc(text)) {
    // DC named only to be left out is not a place of the question.
    ex.slots.withoutDc = true;
    ex.slots.states = ex.slots.states.filter((s) => s !== 'DC');
    ex.slots.places = ex.slots.places.filter(
      (p) => !/^(dc|d\.c\.|district of columbia|washington,? dc)$/i.test(p),
    );
  }
  Object.assign(ex.slots, compositionCues(text, ex.slots));
  const refusal = declineFor(text, ex);
  if (refusal) return refusal;

  const previous = context.previous;
  if (previous && isFollowUp(ex.sentence, ex.slots)) {
    if (!namesSomething(ex.slots)) return declineUnknown();
    const merged = mergeSlots(previous.plan.understood, ex.slots);
    const { tool, slots } = followUpPlan(previous.plan.tool, ex.slots, merged);
    return { ...toPlan(tool, slots), followUp: true };
  }
  if (!namesSomething(ex.slots) && !ex.slots.cues.includes('summary')) return declineUnknown();
  return toPlan(chooseTool(ex.slots), ex.slots);
}
