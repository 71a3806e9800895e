/**
 * Years in a question: a span ("between 2030 and 2060", "2012-2070", "the 2040s"), an end
 * ("by 2050", "mid-century"), a start ("since 2012") or a point ("in 2040"). Whether a point is a
 * moment or a horizon depends on what is asked (an area or a flow), which args.ts decides.
 */
import { FIRST_YEAR, LAST_YEAR, PROJECTION_START } from '../../domain/index.ts';
import type { TimeSlot } from './types.ts';

const DASH = String.raw`\s*(?:-|–|—|to|through|thru|until|till|and)\s*`;
const YEAR = String.raw`((?:19|20|21)\d\d)`;

interface Rule {
  pattern: RegExp;
  slot: (a: number, b: number) => TimeSlot;
}

const RULES: readonly Rule[] = [
  {
    pattern: new RegExp(String.raw`\b(?:between|from)\s+${YEAR}${DASH}${YEAR}\b`),
    slot: (a, b) => ({ kind: 'range', start: a, end: b }),
  },
  {
    pattern: new RegExp(
      String.raw`\b${YEAR}\s*(?:-|–|—|to|through|thru|until|till|and)\s*${YEAR}\b`,
    ),
    slot: (a, b) => ({ kind: 'range', start: a, end: b }),
  },
  {
    pattern: /\b(20[1-6]0)['’]?s\b/,
    slot: (a) => ({ kind: 'range', start: a, end: a + 10 }),
  },
  {
    pattern:
      /\b(?:since|after|starting(?: in| from)?|beginning(?: in)?)\s+(?:the year\s+)?((?:19|20|21)\d\d)\b/,
    slot: (a) => ({ kind: 'since', year: a }),
  },
  {
    pattern: /\bfrom\s+((?:19|20|21)\d\d)\s*(?:on|onwards?)?\b/,
    slot: (a) => ({ kind: 'since', year: a }),
  },
  {
    pattern:
      /\b(?:by|until|till|through|thru|before|up to|to)\s+(?:the year\s+)?((?:19|20|21)\d\d)\b/,
    slot: (a) => ({ kind: 'until', year: a }),
  },
  {
    pattern: /\b(?:in|for|at|during|of)\s+(?:the year\s+)?((?:19|20|21)\d\d)\b/,
    slot: (a) => ({ kind: 'point', year: a }),
  },
  { pattern: /\b(20\d\d)\b/, slot: (a) => ({ kind: 'point', year: a }) },
  { pattern: /\bby (?:the )?mid[\s-]?century\b/, slot: () => ({ kind: 'until', year: 2050 }) },
  { pattern: /\bmid[\s-]?century\b/, slot: () => ({ kind: 'point', year: 2050 }) },
  {
    pattern: /\bby the end of the (?:century|projections?|period)\b/,
    slot: () => ({ kind: 'until', year: LAST_YEAR }),
  },
  {
    pattern: /\b(?:at )?the end of the (?:century|projections?|period)\b/,
    slot: () => ({ kind: 'point', year: LAST_YEAR }),
  },
];

const inData = (y: number) => y >= FIRST_YEAR && y <= LAST_YEAR;

/**
 * The years a question names, or `outside` (the first year beyond 2012-2070) when it asks about
 * years the projections do not reach. "Since 2010" starts at 2012: the data's first year.
 */
export function extractTime(question: string): { time?: TimeSlot; outside?: number } {
  const text = question.toLowerCase();
  for (const rule of RULES) {
    const m = rule.pattern.exec(text);
    if (!m) continue;
    const a = Number(m[1] ?? 0);
    const b = Number(m[2] ?? 0);
    let slot = rule.slot(a, b);
    if (slot.kind === 'since' && slot.year < FIRST_YEAR && slot.year >= 1900) {
      slot = { kind: 'since', year: FIRST_YEAR };
    }
    const years =
      slot.kind === 'range' ? [slot.start, slot.end] : [slot.year].filter((y) => y !== 0);
    const bad = years.find((y) => !inData(y));
    if (bad !== undefined) return { outside: bad };
    if (slot.kind === 'range' && slot.start >= slot.end) continue;
    return { time: slot };
  }
  // A year-like number the rules above did not place ("forest 2100") is still out of range.
  const stray = /\b(19\d\d|2[01]\d\d)\b/.exec(text);
  if (stray && !inData(Number(stray[1]))) return { outside: Number(stray[1]) };
  return {};
}

/** A flow's horizon as "start-end": an end year counts from 2020, a start runs to 2070. */
export function horizonOf(time: TimeSlot): string | undefined {
  switch (time.kind) {
    case 'range':
      return `${time.start}-${time.end}`;
    case 'since':
      return time.year < LAST_YEAR ? `${time.year}-${LAST_YEAR}` : undefined;
    case 'until':
    case 'point':
      if (time.year > PROJECTION_START) return `${PROJECTION_START}-${time.year}`;
      // "by 2020" can only mean the calibration period.
      return time.year === PROJECTION_START ? `${FIRST_YEAR}-${PROJECTION_START}` : undefined;
  }
}

/** An area's moment: a point or an end year; a span has none. */
export function pointOf(time: TimeSlot): number | undefined {
  return time.kind === 'point' || time.kind === 'until' ? time.year : undefined;
}
