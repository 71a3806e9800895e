/**
 * Intent: which tool answers the slots. Each tool scores the cues and slots that point to it and
 * the highest score wins, ties going to the earlier tool in INTENT_ORDER. View cues (rank the
 * counties, compare the scenarios, over time) outscore topic tools, because "Which counties lose
 * the most forest?" is a ranking of forest loss, not forest loss.
 */
import type { LandUseKey } from '../../domain/index.ts';
import type { Slots, ToolName } from './types.ts';

/** Tie-break order: the more specific reading first. */
export const INTENT_ORDER: readonly ToolName[] = [
  'get_data_summary',
  'compare_climate_models',
  'query_by_county',
  'query_top_counties',
  'compare_scenarios',
  'compare_states',
  'query_land_use_transitions',
  'query_urban_expansion',
  'query_forest_change',
  'query_agricultural_change',
  'query_time_series',
  'query_land_use_area',
];

/** Tools that show a topic a certain way; the topic itself comes from the slots. */
export const VIEW_TOOLS: ReadonlySet<ToolName> = new Set([
  'compare_climate_models',
  'query_top_counties',
  'compare_scenarios',
  'compare_states',
  'query_time_series',
]);

/** Whether the slots name something to measure: a land use, farmland, urban growth, a flow. */
export function hasTopic(slots: Slots): boolean {
  return (
    slots.landUses.length > 0 ||
    slots.agriculture ||
    slots.urbanization !== undefined ||
    slots.fromUse !== undefined ||
    slots.toUse !== undefined
  );
}

/** The land use a question is about: the from-use of a flow, else the first named. */
export function primaryUse(slots: Slots): LandUseKey | 'agriculture' | undefined {
  if (slots.fromUse) return slots.fromUse;
  // "Farmland (crop and pasture)": the group, with its parts named.
  if (slots.agriculture && slots.landUses.every((u) => u === 'crop' || u === 'pasture')) {
    return 'agriculture';
  }
  if (slots.landUses[0]) return slots.landUses[0];
  if (slots.agriculture) return 'agriculture';
  if (slots.urbanization || slots.toUse === 'urban') return 'urban';
  return slots.toUse;
}

/** Every tool's score for these slots (0 when nothing points to it). */
export function scoreIntents(slots: Slots): Record<ToolName, number> {
  const has = (cue: Slots['cues'][number]) => slots.cues.includes(cue);
  const topic = hasTopic(slots);
  const primary = primaryUse(slots);
  const { fromUse, toUse, urbanization, change } = slots;
  const changeScore = change === undefined ? 0 : change === 'change' ? 2 : 3;
  const isAg = primary === 'crop' || primary === 'pasture' || primary === 'agriculture';
  const pointYear = slots.time?.kind === 'point' || slots.time?.kind === 'until';

  let compareScenarios = has('compare_scenarios') ? 4 : 0;
  if (slots.scenarios.length >= 2)
    compareScenarios = Math.max(compareScenarios, has('compare') ? 5 : 3);

  const compareStates =
    has('rank_states') || (has('compare') && slots.places.length >= 2 && compareScenarios === 0)
      ? 4
      : 0;

  let transitions = 0;
  if (fromUse && toUse) transitions = 4;
  else if (toUse && toUse !== 'urban' && has('transition')) transitions = 4;
  else if (fromUse && !urbanization && has('transition')) transitions = 3;
  else if (primary === 'rangeland' && (change === 'loss' || change === 'gain')) transitions = 3;
  // "Land use change(s) in Michigan": the RPA's own term for its transitions.
  else if ((has('transition') || change) && has('land_use')) transitions = 2;

  let urban = 0;
  if (urbanization) urban = 3;
  if (urbanization && toUse === 'urban' && !fromUse) urban = 4;
  if (urbanization && has('source') && fromUse && !toUse) urban = 5;

  // An area over a span of years ("cropland between 2030 and 2060") is a series.
  const areaSpan = slots.time?.kind === 'range' && change === undefined && !urbanization && topic;
  const noChangeTool = primary === 'rangeland' || (primary === 'urban' && !urbanization);

  let area = 0;
  if (change === undefined && !urbanization) {
    const subject =
      slots.landUses.length > 0 || slots.agriculture || has('land_use') || has('overview');
    area = subject ? 2 + (has('area') ? 1 : 0) + (pointYear ? 1 : 0) : 1;
  }

  return {
    get_data_summary: has('summary') ? (topic ? 1 : 6) : 0,
    compare_climate_models: has('climate_models') ? 5 : 0,
    query_by_county: slots.county ? 6 : 0,
    query_top_counties: has('rank_counties') ? 4 : 0,
    compare_scenarios: compareScenarios,
    compare_states: compareStates,
    query_land_use_transitions: transitions,
    query_urban_expansion: urban,
    query_forest_change: primary === 'forest' ? changeScore : 0,
    query_agricultural_change: isAg ? changeScore : 0,
    // Rangeland and urban area have no change tool of their own: their change shows over time.
    query_time_series: has('time') || areaSpan ? 3 : change && noChangeTool ? 2 : 0,
    query_land_use_area: area,
    // The general tool is not scored: compose.ts takes it where no named tool fits.
    query_land_use: 0,
  };
}

/**
 * The tool for these slots: the best score, ties to the earlier tool. With nothing to go on but a
 * scenario the data summary describes it; otherwise the land in the places named.
 */
export function chooseTool(slots: Slots): ToolName {
  const scores = scoreIntents(slots);
  let best: ToolName = 'query_land_use_area';
  let bestScore = 0;
  for (const tool of INTENT_ORDER) {
    if (scores[tool] > bestScore) {
      best = tool;
      bestScore = scores[tool];
    }
  }
  if (bestScore <= 1 && !hasTopic(slots) && slots.states.length === 0 && slots.scenarios.length) {
    return 'get_data_summary';
  }
  return best;
}
