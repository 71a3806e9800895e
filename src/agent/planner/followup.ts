/**
 * Follow-ups: "and in Texas?", "what about under HH?", "show the top 5 counties instead",
 * "by 2050?", "compare that across scenarios". A follow-up keeps what it does not change: its slots
 * are laid over the previous question's, group by group (places, topic, scenarios, years, limit),
 * and the tool stays the same unless the follow-up asks for another view or a new topic needs one.
 */
import { chooseTool, hasTopic, VIEW_TOOLS } from './intent.ts';
import { VIEW_CUES, type Cue, type Slots, type ToolName, type ViewCue } from './types.ts';
import type { Sentence } from './tokens.ts';

const MARKER =
  /^(and|what about|how about|what if|same|now|also|but|or|then|ok|okay|instead|compare that|compare this|compare it|show that|show this|what of|and what)\b/;
/** Short questions opening with these continue the thread: "in 2040?", "under HH?". */
const SHORT_MARKER = /^(in|under|by|for|with|at|only|just|over|across|between|from|since|until)\b/;
/** Words that point back: "compare that", "those counties", "the same for". */
const ANAPHORA =
  /\b(instead|the same|same for|same thing|(do|compare|show|break|split|rank) (that|this|it|them)|those (counties|states|numbers)|that again)\b/;

const EMPTY_SLOTS: Slots = {
  states: [],
  places: [],
  landUses: [],
  agriculture: false,
  scenarios: [],
  cues: [],
  assumed: [],
};

const isView = (c: Cue): c is ViewCue => (VIEW_CUES as readonly string[]).includes(c);

/** Whether the question names anything at all a follow-up could change. */
export function namesSomething(slots: Slots): boolean {
  return (
    hasTopic(slots) ||
    slots.states.length > 0 ||
    slots.county !== undefined ||
    slots.scenarios.length > 0 ||
    slots.time !== undefined ||
    slots.limit !== undefined ||
    slots.change !== undefined ||
    slots.climateModel !== undefined ||
    // "Compare" alone ("compare apples and oranges") names nothing to compare.
    slots.cues.some((c) => isView(c) && c !== 'compare')
  );
}

/**
 * Whether a question continues the previous one: it opens like a follow-up ("and", "what about";
 * "in", "under" when short) or points back ("that", "instead"), or it names no topic of its own
 * ("Which states have the most?"). A question naming a county or asking about the data stands alone.
 */
export function isFollowUp(s: Sentence, slots: Slots): boolean {
  if (slots.cues.includes('summary')) return false;
  const text = s.text;
  if (MARKER.test(text) || ANAPHORA.test(text)) return true;
  if (SHORT_MARKER.test(text) && s.tokens.length <= 5) return true;
  return !hasTopic(slots) && slots.county === undefined;
}

/** The previous slots with the follow-up's laid over them, group by group. */
export function mergeSlots(previous: Slots, next: Slots): Slots {
  // Defaults first: a plan restored from an older thread may lack fields added since.
  const prev: Slots = { ...EMPTY_SLOTS, ...previous };
  const out: Slots = { ...prev, cues: [], assumed: [] };
  if (next.states.length > 0 || next.county) {
    out.states = next.states;
    out.places = next.places;
    if (next.county) out.county = next.county;
    else delete out.county;
  }
  const newTopic = hasTopic(next);
  if (newTopic) {
    out.landUses = next.landUses;
    out.agriculture = next.agriculture;
    delete out.urbanization;
    delete out.fromUse;
    delete out.toUse;
    if (next.urbanization) out.urbanization = next.urbanization;
    if (next.fromUse) out.fromUse = next.fromUse;
    if (next.toUse) out.toUse = next.toUse;
  }
  if (next.change) out.change = next.change;
  if (next.scenarios.length > 0) out.scenarios = next.scenarios;
  if (next.time) out.time = next.time;
  if (next.limit !== undefined) out.limit = next.limit;
  if (next.climateModel) out.climateModel = next.climateModel;
  // A new view ("the top 5 counties instead") replaces the previous question's split.
  if (next.breakdowns) out.breakdowns = next.breakdowns;
  else if (next.cues.some(isView)) delete out.breakdowns;
  if (next.measure) out.measure = next.measure;
  if (next.order) out.order = next.order;

  const nextViews = next.cues.filter(isView);
  // A new view of a county ("top 5 counties instead") widens to its state: the views take none.
  if (nextViews.length > 0 && !next.county) delete out.county;
  // "Which states have the most?" after a question about one state ranks them all.
  if (nextViews.includes('rank_states') && next.states.length === 0 && out.states.length === 1) {
    out.states = [];
    out.places = [];
  }
  const views = nextViews.length > 0 ? nextViews : prev.cues.filter(isView);
  const topics = newTopic
    ? next.cues.filter((c) => !isView(c))
    : [...prev.cues.filter((c) => !isView(c)), ...next.cues.filter((c) => !isView(c))];
  out.cues = [...new Set([...views, ...topics])];
  return out;
}

const withoutViews = (slots: Slots): Slots => ({
  ...slots,
  cues: slots.cues.filter((c) => !isView(c)),
});

/**
 * The follow-up's tool, and the slots it runs on: a view it asks for ("top 5 counties", "across
 * scenarios") or a county it names; one scenario after a scenario comparison asks for that one
 * alone ("what about under HH?"). Otherwise the previous tool, so "and in Texas?" after a state
 * ranking ranks Texas alone, as asked; unless that was a county's (and the places changed) or a
 * topic tool that does not fit a new topic ("and cropland?" after forest loss).
 */
export function followUpPlan(
  prevTool: ToolName,
  next: Slots,
  merged: Slots,
): { tool: ToolName; slots: Slots } {
  const choose = (slots: Slots) => ({ tool: chooseTool(slots), slots });
  if (next.county) return { tool: 'query_by_county', slots: merged };
  if (next.cues.some(isView)) return choose(merged);
  if (prevTool === 'compare_scenarios' && next.scenarios.length === 1) {
    return choose(withoutViews(merged));
  }
  if (prevTool === 'query_by_county' && next.states.length > 0) return choose(merged);
  if (prevTool === 'get_data_summary') return choose(merged);
  if (hasTopic(next) && !VIEW_TOOLS.has(prevTool)) return choose(merged);
  return { tool: prevTool, slots: merged };
}
