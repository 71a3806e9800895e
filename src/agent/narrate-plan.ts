/**
 * Answers for the general tool (query_land_use): the question as asked, from the plan the result
 * reports it ran. Which / where / when: the first item with its value, then the next ones; how
 * much: the figure; two scenarios side by side: both, the difference and the ratio; a series
 * over time: start, end and the change between.
 */
import type { AnalyticsResult, Cell, QueryPlan } from '../analytics/index.ts';
import { acres } from './narrate.ts';

type Row = Record<string, Cell>;

const num = (v: Cell | undefined): number => (typeof v === 'number' ? v : Number(v ?? 0));

const NAMES: Record<string, string> = {
  crop: 'cropland',
  pasture: 'pasture',
  rangeland: 'rangeland',
  forest: 'forest',
  urban: 'urban land',
  agricultural: 'agricultural land (crop and pasture)',
  natural: 'natural land (rangeland and forest)',
};

function usesText(list: readonly string[] | undefined, fallback: string): string {
  if (!list || list.length === 0) return fallback;
  const names = list.map((u) => NAMES[u.toLowerCase()] ?? u.toLowerCase());
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

/** What was measured, in words: "forest lost", "land moving from rangeland to crop". */
function measured(plan: QueryPlan): string {
  const what = usesText(plan.uses, 'all land');
  switch (plan.measure) {
    case 'area':
      return `the area of ${what}`;
    case 'share':
      return `the share of the land in ${what}`;
    case 'change':
      return `the net change in ${what}`;
    case 'percent_change':
      return `the percent change in ${what}`;
    case 'gain':
    case 'urban_expansion':
      return plan.measure === 'urban_expansion' || what === 'urban land'
        ? 'new urban land'
        : `${what} gained`;
    case 'loss':
      return `${what} lost`;
    case 'flow':
      return `land moving from ${usesText(plan.from, 'any use')} to ${usesText(plan.to, 'any other use')}`;
  }
}

function valueText(r: AnalyticsResult, row: Row, short = false): string {
  if (!r.columns.includes('percent')) return acres(num(row.acres));
  const p = num(row.percent);
  const ofTotal = r.plan?.unit === 'share_of_total';
  // A sign only on a change; a share, a flow or a gain in percent is an amount.
  const signed = r.plan?.measure === 'change' || r.plan?.measure === 'percent_change';
  const pct = `${p > 0 && signed && !ofTotal ? '+' : ''}${p.toFixed(1)}%`;
  if (short) return pct;
  return ofTotal
    ? `${pct} (${acres(num(row.acres)).replace(/ acres$/, '')} of ${acres(num(row.base_acres))})`
    : `${pct} (${acres(num(row.acres))})`;
}

/** A decline said as its size, then as the signed change: "1.2 million acres (a change of -1.2 ...)". */
function declineText(r: AnalyticsResult, plan: QueryPlan, row: Row): string | undefined {
  const v = num(r.columns.includes('percent') ? row.percent : row.acres);
  if (
    plan.sort !== 'asc' ||
    v >= 0 ||
    (plan.measure !== 'change' && plan.measure !== 'percent_change')
  ) {
    return undefined;
  }
  const size = r.columns.includes('percent') ? `${Math.abs(v).toFixed(1)}%` : acres(Math.abs(v));
  return `a decline of ${size} (a change of ${valueText(r, row)})`;
}

/** "has the most forest lost", "has the largest share of its land in forest". */
function ranked(plan: QueryPlan, what: string, first: number): string {
  const asc = plan.sort === 'asc';
  // Ranking the land uses themselves: "the largest net decline of the land uses".
  const uses = plan.breakdown?.includes('land_use')
    ? 'of the land uses'
    : `in ${usesText(plan.uses, 'all land')}`;
  // Smallest first with a negative value: the steepest decline, not the least of something.
  const signed = plan.measure === 'percent_change' || plan.measure === 'change';
  if (asc && first < 0 && signed) {
    return `the largest ${plan.measure === 'percent_change' ? 'percent ' : 'net '}decline ${uses}`;
  }
  // Largest first and still negative: every row declines, the first the least.
  if (!asc && first < 0 && signed) {
    return `the smallest ${plan.measure === 'percent_change' ? 'percent ' : 'net '}decline ${uses}`;
  }
  if (plan.measure === 'share') {
    return plan.breakdown?.includes('land_use')
      ? `the ${asc ? 'smallest' : 'largest'} share of the land`
      : `the ${asc ? 'smallest' : 'largest'} share of its land ${uses}`;
  }
  if (plan.measure === 'percent_change') {
    return `the ${asc ? 'smallest' : 'largest'} percent change ${uses}`;
  }
  // "the area of forest", "the net change in rangeland": the largest (or smallest) of it.
  if (what.startsWith('the ')) return `the ${asc ? 'smallest' : 'largest'} ${what.slice(4)}`;
  return `the ${asc ? 'least' : 'most'} ${what}`;
}

const CAP_KEYS: Record<string, (row: Row) => string> = {
  state: (row) => String(row.state_name ?? row.state),
  county: (row) => `${String(row.county)}, ${String(row.state)}`,
  land_use: (row) => cap(String(row.land_use)),
  from_use: (row) => cap(String(row.from_use)),
  to_use: (row) => cap(String(row.to_use)),
};

function label(r: AnalyticsResult, row: Row): string {
  const parts = (r.plan?.breakdown ?? []).map((b) =>
    CAP_KEYS[b] ? CAP_KEYS[b](row) : String(row[b] ?? ''),
  );
  return parts.join(' / ');
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}

/** The lead of a general-tool answer, and follow-ups. */
export function narratePlan(r: AnalyticsResult): { lead: string; followUps: string[] } {
  const plan = r.plan;
  const rows = r.rows;
  if (!plan) return { lead: r.title, followUps: [] };
  const whole =
    plan.unit === 'share_of_total' ? r.units.percent?.replace(/^percent of the total of /, '') : '';
  const what = whole ? `${measured(plan)} as a share of the total of ${whole}` : measured(plan);
  const where = r.geography.label;
  const when =
    r.years.kind === 'point' ? `in ${r.years.start}` : `over ${r.years.start}-${r.years.end}`;
  const breakdown = plan.breakdown ?? [];
  const followUps = ['Compare this across scenarios', 'Show it by state', 'And by 2050?'];
  if (rows.length === 0) {
    return { lead: `No land matches that in ${where} ${when}.`, followUps };
  }
  if (whole && breakdown.length === 0) {
    const part = measured(plan).replace(/^the /, '');
    return {
      lead: `The share of ${whole}'s ${part} that is in ${where} ${when}: **${valueText(r, rows[0]!)}**.`,
      followUps,
    };
  }
  if (breakdown.length === 0 || rows.length === 1) {
    const row = rows[0]!;
    const who = breakdown.length > 0 ? `**${label(r, row)}**: ` : '';
    return {
      lead: `${cap(`${who}${what} in ${where} ${when}`)}: **${valueText(r, row)}**.`,
      followUps,
    };
  }
  const value = (row: Row) => num(r.columns.includes('percent') ? row.percent : row.acres);
  const only = breakdown.length === 1 ? breakdown[0] : undefined;
  // Two scenarios or places side by side: both figures, the difference and the ratio.
  if (only !== undefined && only !== 'period' && only !== 'year' && rows.length === 2) {
    const [a, b] = [...rows].sort((x, y) => value(y) - value(x)) as [Row, Row];
    const placeSplit = ['state', 'county', 'rpa_region', 'rpa_subregion', 'census_region'].includes(
      only,
    );
    const prep = only === 'scenario' ? 'under' : placeSplit ? 'in' : 'for';
    const diff = num(r.figures.difference);
    const unitDiff = r.columns.includes('percent')
      ? `${diff.toFixed(1)} percentage points`
      : acres(diff);
    const more =
      typeof r.figures.percent_more === 'number' && !r.columns.includes('percent')
        ? `, ${r.figures.percent_more.toFixed(1)}% more`
        : '';
    const ratio =
      typeof r.figures.ratio === 'number'
        ? ` (${r.figures.ratio.toFixed(2)} times as much${more})`
        : '';
    // Named the other way round ("HM minus LM" where LM is larger): that signed figure too.
    const [first, second] = plan.scenarios ?? [];
    const signed =
      typeof r.figures.first_minus_second === 'number' && first !== label(r, a)
        ? ` ${first} minus ${second}: ${r.columns.includes('percent') ? `${r.figures.first_minus_second.toFixed(1)} percentage points` : acres(r.figures.first_minus_second)}.`
        : '';
    return {
      lead:
        `${cap(what)}${placeSplit ? '' : ` in ${where}`} ${when}: **${valueText(r, a)}** ${prep} **${label(r, a)}** and ` +
        `${valueText(r, b)} ${prep} ${label(r, b)}, so ${label(r, a)} has **${unitDiff} more**${ratio}.${signed}`,
      followUps,
    };
  }
  // A series in time order ("decade by decade"): each step, then the largest.
  const timeOrder = (only === 'period' || only === 'year') && plan.sort === undefined;
  if (timeOrder && only === 'year') {
    // Areas at two or more years: where it starts, where it ends, and the change between.
    const [start, end] = [rows[0]!, rows.at(-1)!];
    const change = num(r.figures.change);
    const pct = num(r.figures.change_pct);
    const amount = r.columns.includes('percent')
      ? `${Math.abs(change).toFixed(1)} percentage points`
      : acres(Math.abs(change));
    return {
      lead:
        `${cap(what)} in ${where}: ${valueText(r, start)} in ${label(r, start)} and ${valueText(r, end)} in ${label(r, end)}, ` +
        `${change < 0 ? 'a decrease' : 'an increase'} of **${amount}** (${pct > 0 ? '+' : ''}${pct.toFixed(1)}%).`,
      followUps,
    };
  }
  if (timeOrder) {
    const steps = rows.map((row) => `${label(r, row)}: ${valueText(r, row, true)}`);
    const top = [...rows].sort((x, y) => value(y) - value(x))[0]!;
    return {
      lead: `${cap(what)} in ${where}, ${only === 'period' ? 'period by period' : 'year by year'}: ${list(steps)}. The largest is **${label(r, top)}** (${valueText(r, top)}).`,
      followUps,
    };
  }
  const [first, ...rest] = rows as [Row, ...Row[]];
  const next = rest.slice(0, 4).map((row) => `${label(r, row)} (${valueText(r, row, true)})`);
  // Where land comes from or goes to, largest first: "most of it comes from rangeland".
  if ((only === 'from_use' || only === 'to_use') && plan.sort !== 'asc') {
    const way = only === 'from_use' ? 'comes from' : 'goes to';
    return {
      lead:
        `Most of the ${what.replace(/^the /, '')} in ${where} ${when} ${way} **${label(r, first).toLowerCase()}**: ${valueText(r, first)}` +
        (next.length
          ? `, then ${list(next.map((n) => n.charAt(0).toLowerCase() + n.slice(1)))}.`
          : '.'),
      followUps,
    };
  }
  return {
    lead:
      `**${label(r, first)}** has ${ranked(plan, what, value(first))} in ${where} ${when}: ${declineText(r, plan, first) ?? valueText(r, first)}` +
      (next.length ? `, followed by ${list(next)}.` : '.'),
    followUps,
  };
}
