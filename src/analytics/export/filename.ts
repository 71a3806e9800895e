import type { Period } from '../../domain/index.ts';
import type { ExportFormat, ExportSpec } from './params.ts';

/** The most items a name lists before it abbreviates ("AL-GA-FL-and-9-more"). */
const MAX_ITEMS = 4;

function abbreviate(items: readonly string[]): string {
  if (items.length <= MAX_ITEMS) return items.join('-');
  const shown = MAX_ITEMS - 1;
  return `${items.slice(0, shown).join('-')}-and-${items.length - shown}-more`;
}

/** Contiguous periods as one span ("2020-2050"), otherwise each label ("2020-2030-and-2050-2060"). */
function periodsPart(periods: readonly Period[]): string {
  const first = periods[0];
  const last = periods.at(-1);
  if (!first || !last) return 'no-periods';
  const contiguous = periods.every((p, i) => i === 0 || periods[i - 1]!.end === p.start);
  if (contiguous) return `${first.start}-${last.end}`;
  return periods.length <= MAX_ITEMS
    ? periods.map((p) => p.label).join('-and-')
    : `${first.start}-${last.end}-${periods.length}-periods`;
}

const slug = (text: string) =>
  text
    .replace(/\bthe\b/gi, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');

function placesPart(spec: ExportSpec): string {
  const geo = spec.geography;
  if (geo.states.length === 0) return 'all-states';
  // A region reads better by its name than by a dozen abbreviations.
  if (geo.level === 'region') return slug(geo.label) || abbreviate(geo.states);
  return abbreviate(geo.states);
}

/**
 * A file name that says what is inside: level, scenarios, years, places and (when filtered)
 * land uses, then `-DEMO-DATA` for demo data, e.g. `rpa-landuse_county_LM-HH_2020-2050_TX-CA.csv`.
 * Only letters, digits, `-`, `_` and `.`, so it is safe in a Content-Disposition header.
 */
export function exportFilename(spec: ExportSpec, demo: boolean): string {
  const parts = [
    'rpa-landuse',
    spec.level,
    spec.allScenarios ? 'all-scenarios' : abbreviate(spec.scenarios.map((s) => s.code)),
    periodsPart(spec.periods),
    placesPart(spec),
  ];
  if (spec.landUses.length > 0) parts.push(abbreviate(spec.landUses.map((u) => u.key)));
  return `${parts.join('_')}${demo ? '-DEMO-DATA' : ''}.${EXTENSIONS[spec.format]}`;
}

const EXTENSIONS: Readonly<Record<ExportFormat, string>> = {
  csv: 'csv',
  json: 'json',
  ndjson: 'ndjson',
  xlsx: 'xlsx',
  parquet: 'parquet',
};
