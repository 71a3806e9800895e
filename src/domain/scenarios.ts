import { CLIMATE_MODELS, climateModelByName, type ClimateModel } from './climate-models.ts';

export const SCENARIO_CODES = ['OVERALL', 'LM', 'HM', 'HL', 'HH'] as const;
export type ScenarioCode = (typeof SCENARIO_CODES)[number];
export type PathwayCode = Exclude<ScenarioCode, 'OVERALL'>;

/** One of the five combined scenarios of dim_scenario: four RCP-SSP pathways and the ensemble mean. */
export interface Scenario {
  /** Surrogate key in dim_scenario (stable). */
  readonly id: number;
  /** RPA code: OVERALL, LM, HM, HL, HH. */
  readonly code: ScenarioCode;
  /** dim_scenario.scenario_name: OVERALL, RCP45_SSP1, ... */
  readonly dbName: string;
  readonly name: string;
  /** The RPA's storyline title, e.g. "Taking the Green Road". */
  readonly theme: string;
  /** 'RCP45' | 'RCP85', null for the ensemble mean. */
  readonly rcp: string | null;
  /** 'SSP1' .. 'SSP5', null for the ensemble mean. */
  readonly ssp: string | null;
  readonly description: string;
  readonly narrative: string;
  /** How many GCM runs the combined scenario averages. */
  readonly gcmCount: number;
  /** Words people use for it, lower case. */
  readonly aliases: readonly string[];
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 1,
    code: 'OVERALL',
    dbName: 'OVERALL',
    name: 'Ensemble mean',
    theme: 'Ensemble mean of all 20 runs',
    rcp: null,
    ssp: null,
    description: 'Mean over all 20 climate-model and pathway runs',
    narrative:
      'The average of every RPA run: a central projection that does not commit to one future.',
    gcmCount: 20,
    aliases: [
      'overall',
      'ensemble',
      'ensemble mean',
      'ensemble average',
      'average',
      'mean',
      'all scenarios',
      'all runs',
      'default',
    ],
  },
  {
    id: 2,
    code: 'LM',
    dbName: 'RCP45_SSP1',
    name: 'Lower-Moderate',
    theme: 'Taking the Green Road',
    rcp: 'RCP45',
    ssp: 'SSP1',
    description: 'RCP4.5 climate with SSP1 sustainability: moderate warming, sustainable growth',
    narrative:
      'A world that shifts toward sustainability: lower emissions, moderate population and ' +
      'economic growth, compact development.',
    gcmCount: 5,
    aliases: [
      'lm',
      'lower-moderate',
      'lower moderate',
      'green road',
      'taking the green road',
      'sustainability',
      'sustainable',
      'rcp45',
      'rcp4.5',
      'rcp 4.5',
      'rcp45_ssp1',
      'ssp1',
    ],
  },
  {
    id: 3,
    code: 'HM',
    dbName: 'RCP85_SSP2',
    name: 'High-Moderate',
    theme: 'Middle of the Road',
    rcp: 'RCP85',
    ssp: 'SSP2',
    description: 'RCP8.5 climate with SSP2 middle-of-the-road society',
    narrative:
      'High emissions with social and economic trends that follow historical patterns: ' +
      'moderate population and income growth.',
    gcmCount: 5,
    aliases: [
      'hm',
      'high-moderate',
      'high moderate',
      'middle of the road',
      'middle road',
      'rcp85_ssp2',
      'ssp2',
    ],
  },
  {
    id: 4,
    code: 'HL',
    dbName: 'RCP85_SSP3',
    name: 'High-Low',
    theme: 'A Rocky Road',
    rcp: 'RCP85',
    ssp: 'SSP3',
    description: 'RCP8.5 climate with SSP3 regional rivalry: slow growth',
    narrative:
      'High emissions in a fragmented world: slow economic and population growth in the US, ' +
      'the least new development.',
    gcmCount: 5,
    aliases: [
      'hl',
      'high-low',
      'high low',
      'rocky road',
      'a rocky road',
      'regional rivalry',
      'slow growth',
      'rcp85_ssp3',
      'ssp3',
    ],
  },
  {
    id: 5,
    code: 'HH',
    dbName: 'RCP85_SSP5',
    name: 'High-High',
    theme: 'Taking the Highway',
    rcp: 'RCP85',
    ssp: 'SSP5',
    description: 'RCP8.5 climate with SSP5 fossil-fuelled development: fastest growth',
    narrative:
      'High emissions and rapid, fossil-fuelled economic and population growth: ' +
      'the most new development.',
    gcmCount: 5,
    aliases: [
      'hh',
      'high-high',
      'high high',
      'highway',
      'taking the highway',
      'fossil-fuelled',
      'fossil-fueled',
      'fossil fuelled',
      'fossil fueled',
      'fossil fuel',
      'fossil fuels',
      'fastest growth',
      'rcp85_ssp5',
      'ssp5',
    ],
  },
];

/** The four RCP-SSP pathways (every scenario but the ensemble mean). */
export const PATHWAYS: readonly Scenario[] = SCENARIOS.filter((s) => s.code !== 'OVERALL');

const byCode = new Map(SCENARIOS.map((s) => [s.code, s]));
const byDbName = new Map(SCENARIOS.map((s) => [s.dbName, s]));

/** The scenario with this RPA code (OVERALL, LM, HM, HL, HH; case-insensitive), or undefined. */
export function scenarioByCode(code: string): Scenario | undefined {
  return byCode.get(code.toUpperCase() as ScenarioCode);
}

/** The scenario with this dim_scenario.scenario_name (RCP45_SSP1, ...), or undefined. */
export function scenarioByDbName(name: string): Scenario | undefined {
  return byDbName.get(name.toUpperCase());
}

/** Scenarios on a climate pathway: 'RCP45' -> [LM], 'RCP85' -> [HM, HL, HH]. */
export function scenariosWithRcp(rcp: 'RCP45' | 'RCP85'): Scenario[] {
  return PATHWAYS.filter((s) => s.rcp === rcp);
}

/** A raw-file run name: CNRM_CM5_rcp45_ssp1. */
export function runName(model: ClimateModel, pathway: Scenario): string {
  if (!pathway.rcp || !pathway.ssp) throw new Error(`${pathway.code} is not an RCP-SSP pathway`);
  return `${model.name}_${pathway.rcp.toLowerCase()}_${pathway.ssp.toLowerCase()}`;
}

/** Every one of the 20 run names, in a stable order (model-major). */
export const RUN_NAMES: readonly string[] = CLIMATE_MODELS.flatMap((m) =>
  PATHWAYS.map((p) => runName(m, p)),
);

/** Splits a run name into its climate model and pathway, or undefined when it is not one. */
export function parseRunName(
  name: string,
): { climateModel: ClimateModel; scenario: Scenario } | undefined {
  const match = /^(.+)_(rcp\d\d)_(ssp\d)$/i.exec(name);
  if (!match) return undefined;
  const climateModel = climateModelByName(match[1]!);
  const scenario = scenarioByDbName(`${match[2]!}_${match[3]!}`);
  if (!climateModel || !scenario || scenario.code === 'OVERALL') return undefined;
  return { climateModel, scenario };
}
