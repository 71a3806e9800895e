/**
 * The general tool (query_land_use): whether a question needs it rather than a named tool, and
 * the query plan assembled from the question's slots.
 */
import { regionNamed, wholeOf } from './compose.ts';
import { primaryUse } from './intent.ts';
import type { PlanBreakdown, Slots, ToolArgs, ToolName } from './types.ts';

/** The breakdown a named ranking or comparison tool shows. */
const TOOL_BREAKDOWN: Partial<Record<ToolName, PlanBreakdown>> = {
  compare_states: 'state',
  query_top_counties: 'county',
  compare_scenarios: 'scenario',
  compare_climate_models: 'climate_model',
};

/** Breakdowns no named tool has. */
const GENERAL_ONLY = new Set<PlanBreakdown>([
  'period',
  'rpa_region',
  'rpa_subregion',
  'census_region',
  'land_use',
  'year',
]);

/**
 * Whether the question needs the general tool: it asks for something the named tool would drop
 * (smallest first, a share, a percent change, a difference, a split no named tool makes, a flow
 * between two named uses ranked by place). Otherwise the named tool answers, as the dev set's
 * contract wants.
 */
export function needsGeneralTool(tool: ToolName, slots: Slots): boolean {
  if (tool === 'get_data_summary') return false;
  const primary = primaryUse(slots);
  if (slots.otherCounty) return true;
  if (tool === 'query_by_county') {
    // The county profile has areas, urban expansion and net forest change; anything else about
    // one county is a plan over it.
    if (slots.measure || (slots.fromUse && slots.toUse)) return true;
    if ((slots.breakdowns?.length ?? 0) > 0 || slots.cues.includes('compare_scenarios'))
      return true;
    // The profile's change figures cover the whole horizon: a change by a year is a plan.
    if (slots.time && (slots.change || slots.urbanization)) return true;
    if (!slots.change || slots.urbanization || primary === 'urban') return false;
    return !(primary === 'forest' && (slots.change === 'net' || slots.change === 'change'));
  }
  // Agricultural land is crop and pasture together: one figure, which the area tool lacks.
  if (tool === 'query_land_use_area' && slots.agriculture) return true;
  if (slots.measure || slots.difference || slots.withoutDc || slots.natural) return true;
  if (slots.agriculture && (slots.toUse || slots.urbanization) && !slots.fromUse) {
    // Farmland to urban is a flow out of the group; the dev set's "farmland conversion" ranking
    // (no target named) stays with the named tool.
    return true;
  }
  if (slots.change === 'net' && slots.order === 'asc') return true;
  const splits = slots.breakdowns ?? [];
  if (splits.some((b) => GENERAL_ONLY.has(b))) return true;
  // A split the chosen tool does not make ("where in Colorado" by county, not by state).
  const named = TOOL_BREAKDOWN[tool];
  if (splits.length > 0 && splits[0] !== named && (named || splits[0] !== 'state')) return true;
  const ranked = TOOL_BREAKDOWN[tool] !== undefined || splits.length > 0;
  if (slots.order === 'asc' && ranked) return true;
  // A flow into several named uses ("forest to pasture or cropland"): the named tool takes one.
  if (slots.fromUse && slots.toUse && slots.landUses.length > 2) return true;
  // A flow between two named uses, ranked or compared: the named rankings measure one use.
  if (slots.fromUse && slots.toUse && (splits.length > 0 || TOOL_BREAKDOWN[tool] !== undefined)) {
    return true;
  }
  // A net change of a use with no change tool of its own (rangeland): the plan's net change.
  if ((slots.change === 'net' || slots.change === 'change') && tool === 'query_time_series') {
    return !slots.cues.includes('time');
  }
  // A gain (or a net change) of crop, pasture or rangeland ranked or compared: the named
  // rankings have no such metric.
  if (
    (slots.change === 'gain' ||
      slots.change === 'net' ||
      (slots.change === 'loss' && primary === 'rangeland')) &&
    TOOL_BREAKDOWN[tool] !== undefined &&
    (primary === 'crop' ||
      primary === 'pasture' ||
      primary === 'rangeland' ||
      primary === 'agriculture')
  ) {
    return true;
  }
  return false;
}

const USE_NAMES = { agriculture: 'agricultural' } as const;

/** The query plan for the question's slots (the general tool's arguments). */
export function planArgs(tool: ToolName, slots: Slots): ToolArgs {
  const args: ToolArgs = {};
  const primary = primaryUse(slots);
  // "Farmland (crop + pasture)": the crop and pasture named with the group are the group.
  const ownUses = slots.agriculture
    ? slots.landUses.filter((u) => u !== 'crop' && u !== 'pasture')
    : slots.landUses;
  const uses = [
    ...ownUses.filter((u) => u !== slots.fromUse && u !== slots.toUse),
    ...(slots.agriculture ? ['agricultural'] : []),
  ];
  if (slots.fromUse && slots.toUse) {
    args.measure = 'flow';
    // "farmland (crop or pasture) into urban": the group, not the use named last inside it.
    const farm = (u: string) => slots.agriculture && (u === 'crop' || u === 'pasture');
    args.from = farm(slots.fromUse) ? ['agricultural'] : [slots.fromUse];
    // "forest to crops or pasture": every use named after the source is a target.
    const after = slots.landUses.slice(slots.landUses.indexOf(slots.toUse));
    args.to = farm(slots.toUse)
      ? ['agricultural']
      : slots.landUses.includes(slots.toUse)
        ? after.filter((u) => u !== slots.fromUse)
        : [slots.toUse];
    // "rangeland and pasture combined become urban": every use named before the target.
    const before = slots.landUses.slice(0, Math.max(0, slots.landUses.indexOf(slots.toUse)));
    if (!slots.agriculture && before.length > 1 && slots.combined) args.from = before;
    // "What percentage of the Southeast's forest gets converted to urban": of the area at the start.
    if (slots.measure === 'share' || slots.measure === 'percent_change') args.unit = 'percent';
  } else if (slots.agriculture && (slots.toUse || slots.urbanization) && !slots.fromUse) {
    // "Agricultural land converted to urban": a flow out of the group.
    args.measure = 'flow';
    args.from = ['agricultural'];
    args.to = [slots.toUse ?? 'urban'];
  } else if (
    slots.toUse &&
    !slots.fromUse &&
    !slots.urbanization &&
    !slots.measure &&
    slots.breakdowns?.includes('from_use')
  ) {
    // "Which land use is most converted to cropland": cropland gained, by where it comes from.
    args.measure = 'gain';
    args.uses = [slots.toUse];
  } else if (slots.natural && slots.urbanization && !slots.fromUse) {
    // "Natural land (forest and rangeland) developed": a flow out of the group into urban.
    args.measure = 'flow';
    args.from = ['natural'];
    args.to = ['urban'];
  } else if (slots.urbanization && !slots.measure) {
    args.measure = slots.fromUse ? 'flow' : 'gain';
    if (slots.fromUse) {
      args.from = [slots.fromUse];
      args.to = ['urban'];
    } else args.uses = ['urban'];
  } else {
    const own = slots.measure === 'share_of_total' ? undefined : slots.measure;
    args.measure =
      own ??
      (slots.change === 'loss'
        ? 'loss'
        : slots.change === 'gain'
          ? 'gain'
          : slots.change
            ? 'change'
            : 'area');
    const named =
      uses.length > 0 ? uses : primary ? [USE_NAMES[primary as 'agriculture'] ?? primary] : [];
    // "Natural land (rangeland plus forest)": the group, as one amount.
    const list = slots.natural
      ? [...named.filter((u) => u !== 'forest' && u !== 'rangeland'), 'natural']
      : named;
    if (list.length > 0) args.uses = [...new Set(list)];
    else if (args.measure !== 'area' && args.measure !== 'share') args.uses = ['urban'];
  }
  if (slots.measure === 'share_of_total') {
    args.unit = 'share_of_total';
    // "Colorado's share of the Rocky Mountain region's ...": the state is the part, the region
    // the whole; one place alone is a part of the nation.
    const whole = wholeOf(slots.places);
    if (whole) {
      args.within = [whole.whole];
      args.states = [whole.part];
    }
  }
  if (args.states) {
    // Set above: the part of a share of a named whole.
  } else if (slots.withoutDc && slots.states.length === 0 && !slots.county) {
    args.states = ['the 48 states'];
  } else if (slots.county) {
    const name = (c: { name: string; state?: string }) =>
      c.state ? `${c.name}, ${c.state}` : c.name;
    args.counties = [name(slots.county), ...(slots.otherCounty ? [name(slots.otherCounty)] : [])];
  } else if (slots.states.length > 0) {
    // One RPA region named: by its name, so the answer says "the Southeast", not its states.
    // With DC left out, the region's states without it.
    const region =
      slots.places.length === 1 && !slots.withoutDc ? regionNamed(slots.places[0]!) : undefined;
    args.states = region ? [region] : slots.states.filter((s) => !slots.withoutDc || s !== 'DC');
  }

  const breakdown = [...(slots.breakdowns ?? [])];
  const named = TOOL_BREAKDOWN[tool];
  if (breakdown.length === 0 && named) breakdown.push(named);
  if (slots.scenarios.length >= 2 && !breakdown.includes('scenario') && breakdown.length < 2) {
    breakdown.push('scenario');
  }
  // Areas are at years, not over periods: "forest area every decade" is a series of years.
  if (args.measure === 'area' || args.measure === 'share') {
    const p = breakdown.indexOf('period');
    if (p >= 0) breakdown[p] = 'year';
  }
  if (breakdown.length > 0) args.breakdown = breakdown.slice(0, 2);
  // Split by land use: every use (or the ones named), not a default one.
  if (breakdown.includes('land_use') && args.uses?.length === 1 && slots.landUses.length === 0) {
    delete args.uses;
  }
  if (slots.scenarios.length > 0) args.scenarios = [...slots.scenarios];
  // Ranking the scenarios compares the four pathways; the ensemble mean is not one of them.
  else if (breakdown.includes('scenario')) args.scenarios = ['LM', 'HM', 'HL', 'HH'];

  const point = args.measure === 'area' || args.measure === 'share';
  const time = slots.time;
  if (time) {
    if (time.kind === 'range') {
      if (point && !breakdown.includes('year')) args.year = time.end;
      else args.years = { start: time.start, end: time.end };
    } else if (time.kind === 'since') {
      if (!point) args.years = { start: time.year };
    } else if (point) args.year = time.year;
    else args.years = { end: time.year };
  }
  // A ranking of periods ("which decade") ranks; a series ("decade by decade") reads in order.
  if (slots.order) args.sort = slots.order;
  if (slots.limit !== undefined) args.limit = slots.limit;
  return args;
}
