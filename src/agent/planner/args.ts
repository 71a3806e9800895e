/**
 * Tool arguments from slots, by the conventions of DATA.md: a year asked of an area is a point,
 * of a flow a horizon; "most" ranks by acres; the ensemble mean and 2020-2070 are the tools'
 * defaults, so they are left out unless the question says them.
 */
import type { LandUseKey } from '../../domain/index.ts';
import { primaryUse } from './intent.ts';
import { horizonOf, pointOf } from './time.ts';
import type { MetricName, Slots, ToolArgs, ToolName } from './types.ts';

const isArea = (m: MetricName | undefined) => m !== undefined && m.endsWith('_area');

/** What a ranking, comparison or series measures, from the topic and its direction of change. */
export function metricFor(tool: ToolName, slots: Slots): MetricName | undefined {
  const primary = primaryUse(slots);
  const { change } = slots;
  if (tool === 'query_time_series') {
    // A series shows areas at each period boundary; a flow topic shows as its land use's area.
    return primary && primary !== 'agriculture' ? `${primary}_area` : undefined;
  }
  if (slots.urbanization && !(slots.fromUse && slots.toUse)) {
    // The dev set's contract: county rankings of "development" or "urbanize" use the alias.
    return tool === 'query_top_counties' && slots.urbanization === 'growth'
      ? 'urban_growth'
      : 'urban_expansion';
  }
  switch (primary) {
    case 'forest':
      if (change === 'loss') return 'forest_loss';
      if (change === 'gain') return 'forest_gain';
      return change ? 'forest_net' : 'forest_area';
    case 'crop':
    case 'pasture':
    case 'agriculture':
      // Cropland is crop alone and pasture is pasture alone; agricultural land is both.
      if (change && change !== 'gain') {
        return primary === 'crop'
          ? 'crop_loss'
          : primary === 'pasture'
            ? 'pasture_loss'
            : 'ag_loss';
      }
      return primary === 'agriculture' ? undefined : `${primary}_area`;
    case 'rangeland':
      return 'rangeland_area';
    case 'urban':
      // Urban land never goes back: its net change is its expansion.
      return change ? 'urban_expansion' : 'urban_area';
    default:
      return undefined;
  }
}

/**
 * Puts the question's years on the args: a point for areas, a horizon for flows. A series always
 * spans every period (its tool takes no years), and an area has no span: the years stay in
 * `understood` for the narration.
 */
function addYears(args: ToolArgs, tool: ToolName, slots: Slots, assumed: string[]): void {
  const { time } = slots;
  if (!time || tool === 'query_time_series') return;
  const areaLike =
    tool === 'query_land_use_area' || tool === 'query_by_county' || isArea(args.metric);
  const value = areaLike ? pointOf(time) : horizonOf(time);
  // The climate model comparison measures flows only over a horizon.
  if (value === undefined || (areaLike && tool === 'compare_climate_models')) {
    assumed.push('years');
  } else if (typeof value === 'number') {
    args.year = value;
  } else {
    args.year_range = value;
  }
}

function addScenarios(args: ToolArgs, tool: ToolName, slots: Slots, assumed: string[]): void {
  const { scenarios } = slots;
  if (tool === 'get_data_summary') return;
  if (tool === 'compare_scenarios') {
    if (scenarios.length >= 2) args.scenarios = [...scenarios];
    return;
  }
  if (scenarios.length === 1) args.scenario = scenarios[0]!;
  // "RCP 8.5" names three pathways; a tool of one scenario then shows the ensemble mean.
  else if (scenarios.length > 1) assumed.push('scenario');
}

const landUse = (u: LandUseKey | 'agriculture' | undefined): LandUseKey | undefined =>
  u === 'agriculture' ? undefined : u;

/** Fills one tool's arguments from the slots; `assumed` names what had to be chosen for it. */
export function buildArgs(tool: ToolName, slots: Slots): { args: ToolArgs; assumed: string[] } {
  const args: ToolArgs = {};
  const assumed: string[] = [];
  if (tool === 'get_data_summary') return { args, assumed };
  const primary = primaryUse(slots);

  if (tool === 'query_by_county' && slots.county) {
    args.county = slots.county.name;
    if (slots.county.state) args.state = slots.county.state;
  } else if (slots.states.length > 0) {
    args.states = [...slots.states];
  }

  switch (tool) {
    case 'query_land_use_area': {
      const use = landUse(primary);
      if (use) args.land_use = use;
      break;
    }
    case 'query_land_use_transitions':
      if (slots.fromUse) args.from_use = slots.fromUse;
      if (slots.toUse) args.to_use = slots.toUse;
      // "Rangeland lost in Wyoming" is the flows out of rangeland; "gained", the flows into it.
      if (!slots.fromUse && !slots.toUse && primary && primary !== 'agriculture') {
        if (slots.change === 'loss') args.from_use = primary;
        if (slots.change === 'gain') args.to_use = primary;
      }
      if (slots.limit !== undefined) args.limit = slots.limit;
      break;
    case 'query_urban_expansion':
      if (slots.fromUse && slots.fromUse !== 'urban') args.source_land_use = slots.fromUse;
      break;
    case 'query_forest_change':
      if (slots.change) args.change_type = slots.change === 'change' ? 'net' : slots.change;
      break;
    case 'query_agricultural_change':
      if (primary === 'crop' || primary === 'pasture' || primary === 'agriculture') {
        args.ag_type = primary;
      }
      break;
    case 'query_by_county':
      break;
    default: {
      const metric = metricFor(tool, slots);
      if (metric) args.metric = metric;
      else if (tool !== 'query_time_series') {
        // Rankings and comparisons need a measure: urban expansion is the RPA's headline one.
        args.metric = 'urban_expansion';
        assumed.push('metric');
      }
      if (tool === 'compare_states' && isArea(args.metric) && args.metric !== 'land_area') {
        // States rank by an area as land_area of that land use (the dev set's convention).
        args.land_use = args.metric!.replace(/_area$/, '') as LandUseKey;
        args.metric = 'land_area';
      }
      if (
        (tool === 'query_top_counties' || tool === 'compare_states') &&
        slots.limit !== undefined
      ) {
        args.limit = slots.limit;
      }
    }
  }
  addScenarios(args, tool, slots, assumed);
  addYears(args, tool, slots, assumed);
  return { args, assumed };
}
