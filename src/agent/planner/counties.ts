/**
 * Counties people ask about by name alone, with the state that a bare "X County" most likely
 * means: the most populous county of that name. A question that names a state overrides this.
 */
import { normalizeText } from '../../domain/index.ts';

/** A county people name without its state. */
export interface FamousCounty {
  /** As the county is written (without "County"). */
  readonly name: string;
  readonly state: string;
  /** Other ways people write it, normalised ("la" for Los Angeles). */
  readonly aliases?: readonly string[];
  /** Distinctive enough to mean the county without the word "County" ("Maricopa"). */
  readonly bare?: boolean;
}

/** About sixty of the most populous or most asked-about counties. */
export const FAMOUS_COUNTIES: readonly FamousCounty[] = [
  { name: 'Los Angeles', state: 'CA', bare: true, aliases: ['la', 'l a'] },
  { name: 'Cook', state: 'IL' },
  { name: 'Harris', state: 'TX' },
  { name: 'Maricopa', state: 'AZ', bare: true },
  { name: 'San Diego', state: 'CA', bare: true },
  { name: 'Orange', state: 'CA' },
  { name: 'Miami-Dade', state: 'FL', aliases: ['miami dade', 'dade', 'miami'] },
  { name: 'Dallas', state: 'TX' },
  { name: 'Kings', state: 'NY' },
  { name: 'Riverside', state: 'CA' },
  { name: 'Queens', state: 'NY' },
  { name: 'Clark', state: 'NV' },
  { name: 'King', state: 'WA' },
  { name: 'San Bernardino', state: 'CA', bare: true },
  { name: 'Tarrant', state: 'TX', bare: true },
  { name: 'Bexar', state: 'TX', bare: true },
  { name: 'Broward', state: 'FL', bare: true },
  { name: 'Santa Clara', state: 'CA', bare: true },
  { name: 'Wayne', state: 'MI' },
  { name: 'Alameda', state: 'CA' },
  { name: 'Middlesex', state: 'MA' },
  { name: 'Philadelphia', state: 'PA' },
  { name: 'Sacramento', state: 'CA' },
  { name: 'Palm Beach', state: 'FL' },
  { name: 'Suffolk', state: 'NY' },
  { name: 'Hillsborough', state: 'FL' },
  { name: 'Hennepin', state: 'MN', bare: true },
  { name: 'Travis', state: 'TX' },
  { name: 'Allegheny', state: 'PA', bare: true },
  { name: 'Fairfax', state: 'VA' },
  { name: 'Salt Lake', state: 'UT' },
  { name: 'Mecklenburg', state: 'NC', bare: true },
  { name: 'Fulton', state: 'GA' },
  { name: 'Pima', state: 'AZ' },
  { name: 'Duval', state: 'FL' },
  { name: 'Shelby', state: 'TN' },
  { name: 'Wake', state: 'NC' },
  { name: 'Fresno', state: 'CA' },
  { name: 'Collin', state: 'TX' },
  { name: 'Denton', state: 'TX' },
  { name: 'DuPage', state: 'IL', aliases: ['du page'] },
  { name: 'Multnomah', state: 'OR', bare: true },
  { name: 'Cuyahoga', state: 'OH', bare: true },
  { name: 'Milwaukee', state: 'WI' },
  { name: 'Gwinnett', state: 'GA', bare: true },
  { name: 'Kern', state: 'CA' },
  { name: 'Pinellas', state: 'FL', bare: true },
  { name: 'Davidson', state: 'TN' },
  { name: 'Denver', state: 'CO' },
  { name: 'El Paso', state: 'TX' },
  { name: 'Loudoun', state: 'VA', bare: true },
  { name: 'Westchester', state: 'NY', bare: true },
  { name: 'Nassau', state: 'NY' },
  { name: 'Marion', state: 'IN' },
  { name: 'Jefferson', state: 'KY' },
  { name: 'Montgomery', state: 'MD' },
  { name: "Prince George's", state: 'MD', aliases: ['prince georges', 'prince george'] },
  { name: 'St. Louis', state: 'MO', aliases: ['st louis', 'saint louis'] },
  { name: 'Honolulu', state: 'HI' },
];

const byName = new Map<string, FamousCounty>(
  FAMOUS_COUNTIES.flatMap((c) =>
    [normalizeText(c.name), ...(c.aliases ?? [])].map((n) => [n, c] as const),
  ),
);

/** The famous county with this normalised name ("los angeles", "miami dade"), if any. */
export function famousCounty(name: string): FamousCounty | undefined {
  return byName.get(name);
}

/** The famous county a name means even without "County" ("Maricopa", "San Diego"), if any. */
export function bareCounty(name: string): FamousCounty | undefined {
  const county = byName.get(name);
  return county?.bare && normalizeText(county.name) === name ? county : undefined;
}
