/**
 * The planner's vocabulary of results: the tools it can call, the arguments it fills in (the
 * contract the tools layer implements) and what it recognised in a question.
 */
import type { LandUseKey, ScenarioCode } from '../../domain/index.ts';

import type { ToolName } from '../tools/types.ts';

export { TOOL_NAMES, type ToolName } from '../tools/types.ts';

/** What a ranking or comparison measures (urban_growth is the dev set's alias of urban_expansion). */
export type MetricName =
  | 'urban_expansion'
  | 'urban_growth'
  | 'forest_loss'
  | 'forest_gain'
  | 'forest_net'
  | 'ag_loss'
  | 'crop_loss'
  | 'pasture_loss'
  | 'crop_area'
  | 'pasture_area'
  | 'rangeland_area'
  | 'forest_area'
  | 'urban_area'
  | 'land_area';

/** Tool arguments; a planner leaves out whatever the question does not say. */
export interface ToolArgs {
  states?: string[];
  land_use?: LandUseKey;
  from_use?: LandUseKey;
  to_use?: LandUseKey;
  scenario?: ScenarioCode;
  scenarios?: ScenarioCode[];
  year?: number;
  year_range?: string;
  metric?: MetricName;
  limit?: number;
  /** 'asc' when the question asks for the least, fewest or smallest. */
  order?: 'asc' | 'desc';
  change_type?: 'net' | 'loss' | 'gain';
  ag_type?: 'crop' | 'pasture' | 'agriculture';
  source_land_use?: LandUseKey;
  county?: string;
  state?: string;
  // The general tool's query plan (query_land_use; see src/analytics/plan.ts).
  measure?: string;
  uses?: string[];
  from?: string[];
  to?: string[];
  counties?: string[];
  breakdown?: string[];
  years?: { start?: number; end?: number };
  sort?: 'asc' | 'desc';
  unit?: 'acres' | 'percent' | 'share_of_total';
  within?: string[];
}

/** When a question's years fall: a point, an end ("by 2050"), a start ("since 2012") or a span. */
export type TimeSlot =
  | { kind: 'point'; year: number }
  | { kind: 'until'; year: number }
  | { kind: 'since'; year: number }
  | { kind: 'range'; start: number; end: number };

/** The direction of change a question asks about; 'change' is an unspecified one ("happens to"). */
export type ChangeSlot = 'loss' | 'gain' | 'net' | 'change';

/**
 * Cue words recognised in a question, by the intent they point to. View cues choose how a topic is
 * shown (ranked, compared, over time); the others describe the topic.
 */
export const VIEW_CUES = [
  'summary',
  'climate_models',
  'rank_counties',
  'compare_scenarios',
  'rank_states',
  'compare',
  'time',
] as const;
export type ViewCue = (typeof VIEW_CUES)[number];
export type TopicCue = 'transition' | 'area' | 'land_use' | 'least' | 'overview' | 'source';
export type Cue = ViewCue | TopicCue;

/** What the planner recognised in a question: for narration, follow-ups and debugging. */
export interface Slots {
  /** Two-letter codes, regions expanded, in order of mention. */
  states: string[];
  /** The places as named ("Texas", "Pacific Northwest"), one per mention. */
  places: string[];
  county?: { name: string; state?: string };
  /** A second county named beside the first ("Wake County vs Mecklenburg County"). */
  otherCounty?: { name: string; state?: string };
  /** Land uses named as such (not as a flow word like "urbanization"), in order. */
  landUses: LandUseKey[];
  /** "agricultural land", "farmland", "farms": Crop + Pasture. */
  agriculture: boolean;
  /** Urban growth words: 'expansion' when the word "expansion" was used, else 'growth'. */
  urbanization?: 'expansion' | 'growth';
  fromUse?: LandUseKey;
  toUse?: LandUseKey;
  change?: ChangeSlot;
  /** Scenarios named, in order (an RCP on its own names every pathway on it). */
  scenarios: ScenarioCode[];
  time?: TimeSlot;
  limit?: number;
  /** A climate model named ("the hot model" is HadGEM2_ES365). */
  climateModel?: string;
  cues: Cue[];
  /** How the question splits its answer: "which county", "decade by decade", "by region". */
  breakdowns?: PlanBreakdown[];
  /**
   * A measure the named tools lack: a share of the land, a percent change, or a share of the
   * total of a wider place ("Florida's share of the nation's urban land").
   */
  measure?: 'share' | 'percent_change' | 'share_of_total';
  /** "least", "smallest", "lowest": smallest first; "which decade ... most": largest first. */
  order?: 'asc' | 'desc';
  /** "how much more under HH than LM": the difference between two scenarios. */
  difference?: boolean;
  /** "not counting DC": the states without the District of Columbia. */
  withoutDc?: boolean;
  /** "combined", "together", "plus": the uses named form one amount. */
  combined?: boolean;
  /** "natural land": rangeland and forest as one group. */
  natural?: boolean;
  /** Arguments the planner chose for the question because a tool needs one (a default metric). */
  assumed: string[];
}

/** The ways the general tool can split a result (src/analytics/plan.ts BREAKDOWNS). */
export type PlanBreakdown =
  | 'scenario'
  | 'climate_model'
  | 'period'
  | 'year'
  | 'rpa_region'
  | 'rpa_subregion'
  | 'census_region'
  | 'state'
  | 'county'
  | 'land_use'
  | 'from_use'
  | 'to_use';

/** A planned tool call, or a polite refusal with questions the planner can answer. */
export type Plan =
  | {
      kind: 'tool';
      tool: ToolName;
      args: ToolArgs;
      understood: Slots;
      /** Set when the plan continues the previous question ("and in Texas?"). */
      followUp?: true;
    }
  | {
      kind: 'decline';
      reason: 'out_of_domain' | 'modify_data' | 'empty';
      message: string;
      examples: string[];
    };

/** The thread so far: the previous question and its plan, for follow-ups ("and in Texas?"). */
export interface PlannerContext {
  previous?: { question: string; plan: Extract<Plan, { kind: 'tool' }> };
}
