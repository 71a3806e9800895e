import { scenarioByCode } from '../domain/index.ts';
import type { AnalyticsResult, Cell } from '../analytics/index.ts';
import { narratePlan } from './narrate-plan.ts';

/** An answer in markdown, built only from the numbers of the result it describes. */
export interface Narration {
  answer: string;
  followUps: string[];
}

/** "1,234,567 acres"; "12.3 million acres" above ten million. */
export function acres(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e7) return `${(n / 1e6).toFixed(1)} million acres`;
  return `${Math.round(n).toLocaleString('en-US')} acres`;
}

/** "+3.2%" / "-1.9%". */
export function percent(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return 'n/a';
  return `${n > 0 ? '+' : ''}${n.toFixed(1)}%`;
}

const num = (v: Cell | undefined): number => (typeof v === 'number' ? v : Number(v ?? 0));
const fig = (r: AnalyticsResult, key: string): number => Number(r.figures[key] ?? 0);

function scenarioLabel(codes: readonly string[]): string {
  if (codes.length !== 1) return `the ${codes.join(', ')} scenarios`;
  const s = scenarioByCode(codes[0]!);
  if (!s) return codes[0]!;
  return s.code === 'OVERALL'
    ? 'the ensemble mean of all scenarios (OVERALL)'
    : `${s.code} (${s.name}, ${s.theme})`;
}

function yearsLabel(r: AnalyticsResult): string {
  const { start, end, kind } = r.years;
  if (kind === 'point') return `in ${start}`;
  return `${kind === 'horizon' ? 'over' : 'from'} ${start}-${end}`;
}

/** "A (x), B (y) and C (z)". */
function listOf(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}

type Narrator = (r: AnalyticsResult) => { lead: string; followUps: string[] };

const where = (r: AnalyticsResult) => r.geography.label;

const NARRATORS: Record<string, Narrator> = {
  query_urban_expansion: (r) => {
    const sources = r.rows
      .filter((x) => num(x.acres) > 0)
      .slice(0, 3)
      .map(
        (x) => `${String(x.from_use)} (${acres(num(x.acres))}, ${num(x.share_pct).toFixed(1)}%)`,
      );
    return {
      lead:
        `${cap(where(r))} gains **${acres(fig(r, 'total_acres'))}** of new urban land ${yearsLabel(r)}, ` +
        `about ${acres(fig(r, 'acres_per_year'))} a year; urban land grows ${percent(Number(r.figures.urban_increase_pct))}. ` +
        (sources.length ? `It comes mostly from ${listOf(sources)}.` : ''),
      followUps: [
        `Which counties in ${r.geography.states.length === 1 ? r.geography.label : 'the US'} develop most?`,
        'How does urban expansion differ between scenarios?',
        'How much forest is lost to development?',
      ],
    };
  },
  query_forest_change: (r) => changeLead(r, 'Forest'),
  query_agricultural_change: (r) => changeLead(r, 'Agricultural land'),
  query_land_use_area: (r) => {
    const parts = r.rows.map(
      (x) => `${String(x.land_use)} ${acres(num(x.acres))} (${num(x.share_pct).toFixed(1)}%)`,
    );
    return {
      lead:
        r.rows.length === 1
          ? `${cap(where(r))} has **${acres(num(r.rows[0]!.acres))}** of ${String(r.rows[0]!.land_use)} ${yearsLabel(r)} (${num(r.rows[0]!.share_pct).toFixed(1)}% of the land tracked there).`
          : `Land ${yearsLabel(r)} in ${where(r)}: ${listOf(parts)}; **${acres(fig(r, 'total_acres'))}** in all.`,
      followUps: [
        'How does this change by 2070?',
        'Which states have the most forest?',
        'Compare the scenarios',
      ],
    };
  },
  query_land_use_transitions: (r) => {
    const top = r.rows
      .slice(0, 3)
      .map((x) => `${String(x.from_use)} to ${String(x.to_use)} (${acres(num(x.acres))})`);
    return {
      lead: top.length
        ? `The largest change in ${where(r)} ${yearsLabel(r)} is ${top[0]!.replace(' (', ': **').replace(/\)$/, '**')}.` +
          (top.length > 1
            ? ` Next: ${listOf(top.slice(1))}. In all, ${acres(fig(r, 'total_acres'))} change use in these transitions.`
            : '')
        : `No land changes between those uses in ${where(r)} ${yearsLabel(r)}.`,
      followUps: [
        'Where does new urban land come from?',
        'Show the top counties for forest loss',
        'Compare across scenarios',
      ],
    };
  },
  compare_scenarios: (r) => {
    const rows = r.rows.map((x) => `${String(x.scenario)} ${acres(num(x.value))}`);
    return {
      lead:
        `${cap(r.title.split(' by scenario')[0]!)}: highest under **${String(r.figures.highest)}** (${acres(Number(r.figures.highest_value))}), ` +
        `lowest under **${String(r.figures.lowest)}** (${acres(Number(r.figures.lowest_value))}). By scenario: ${listOf(rows)}.`,
      followUps: [
        'What drives the difference between HH and HL?',
        'Show this for the South',
        'Which climate model is highest?',
      ],
    };
  },
  compare_states: (r) => rankLead(r, 'state_name'),
  query_top_counties: (r) => rankLead(r, 'county'),
  query_time_series: (r) => {
    const changes = Object.entries(r.figures)
      .filter(([k]) => k.endsWith('_change') && !k.endsWith('_pct'))
      .map(
        ([k, v]) => [k.replace('_change', ''), Number(v), Number(r.figures[`${k}_pct`])] as const,
      )
      .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
      .slice(0, 3)
      .map(([use, d, p]) => `${use} ${d >= 0 ? '+' : ''}${acres(d)} (${percent(p)})`);
    return {
      lead: `In ${where(r)} ${yearsLabel(r)}, the biggest changes are ${listOf(changes)}.`,
      followUps: [
        'Compare this across scenarios',
        'Which counties change most?',
        'Show the transitions behind it',
      ],
    };
  },
  query_by_county: (r) => ({
    lead:
      `${r.title.split(':')[0]!}: **${acres(Number(r.figures.urban_expansion_acres))}** of new urban land over ${String(r.figures.change_years)}` +
      ` (${Number(r.figures.urban_from_forest_pct ?? 0).toFixed(1)}% from forest), and a net forest change of ${acres(Number(r.figures.forest_net_acres))}.`,
    followUps: [
      'How does this county compare with its neighbours?',
      'Show it under HH',
      'Which counties in this state develop most?',
    ],
  }),
  compare_climate_models: (r) => ({
    // "Which climate model projects the most ...": the highest first, then the range.
    lead:
      `**${String(r.figures.highest_model)}** projects the most: ${acres(Number(r.figures.max))}; the lowest is ${String(r.figures.lowest_model)} ` +
      `(${acres(Number(r.figures.min))}), a spread of ${acres(Number(r.figures.spread))} between the highest and the lowest; ` +
      `the mean across the ${r.rows.length} climate-model runs is ${acres(Number(r.figures.mean))}.`,
    followUps: [
      'Which scenario is highest?',
      'Show the same for forest loss',
      'What does the hot model do in the South?',
    ],
  }),
  query_land_use: (r) => narratePlan(r),
  get_data_summary: (r) => ({
    lead: `The data: ${r.rows.map((x) => `${String(x.item)}: ${typeof x.value === 'number' ? x.value.toLocaleString('en-US') : String(x.value)}`).join('; ')}.`,
    followUps: [
      'Which states have the most urban expansion?',
      'How much forest is lost by 2070?',
      'Compare the scenarios',
    ],
  }),
};

function changeLead(r: AnalyticsResult, label: string): { lead: string; followUps: string[] } {
  const losses = r.rows
    .filter((x) => num(x.lost_to) > 0)
    .sort((a, b) => num(b.lost_to) - num(a.lost_to))
    .slice(0, 2)
    .map((x) => `${String(x.land_use)} (${acres(num(x.lost_to))})`);
  return {
    lead:
      `${label} in ${where(r)} changes by **${acres(fig(r, 'net_acres'))}** net ${yearsLabel(r)} ` +
      `(${percent(Number(r.figures.net_change_pct))}): ${acres(fig(r, 'gain_acres'))} gained, ${acres(fig(r, 'loss_acres'))} lost.` +
      (losses.length ? ` Most of the loss goes to ${listOf(losses)}.` : ''),
    followUps: [
      'Compare this across scenarios',
      'Which states lose the most?',
      'What happens by 2050?',
    ],
  };
}

function rankLead(r: AnalyticsResult, nameKey: string): { lead: string; followUps: string[] } {
  const name = (x: Record<string, Cell>) =>
    nameKey === 'county' ? `${String(x.county)}, ${String(x.state)}` : String(x[nameKey]);
  const [first, ...rest] = r.rows;
  // Ranked smallest first ("least", "lowest"), the first item has the least.
  const ascending = rest.length > 0 && num(rest[0]!.value) > num(first?.value);
  return {
    lead: first
      ? `**${name(first)}** ${ascending ? 'has the least' : 'leads'} with ${acres(num(first.value))}` +
        (rest.length
          ? `, followed by ${listOf(rest.slice(0, 4).map((x) => `${name(x)} (${acres(num(x.value))})`))}.`
          : '.')
      : 'Nothing to rank for that selection.',
    followUps: ['Show the top 5 counties instead', 'Compare this across scenarios', 'And by 2050?'],
  };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The answer for one tool result: the headline figure with units, the top items, the scenario
 * and years used, the result's notes (demo data among them), and two or three follow-ups.
 */
export function narrate(tool: string, result: AnalyticsResult): Narration {
  const narrator = NARRATORS[tool];
  const { lead, followUps } = narrator
    ? narrator(result)
    : { lead: result.title, followUps: [] as string[] };
  const basis = `Scenario: ${scenarioLabel(result.scenario)}; years: ${result.years.start}${result.years.end !== result.years.start ? `-${result.years.end}` : ''}.`;
  const notes = result.notes.map((n) => `_${n}_`);
  return { answer: [lead, basis, ...notes].join('\n\n'), followUps: followUps.slice(0, 3) };
}
