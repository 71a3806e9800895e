/** The six projection periods. 2012-2020 is the calibration period; projections run 2020-2070. */
export interface Period {
  readonly id: number;
  /** As in the raw file and dim_time.year_range: "2020-2030". */
  readonly label: string;
  readonly start: number;
  readonly end: number;
  readonly length: number;
}

export const PERIODS: readonly Period[] = [
  [2012, 2020],
  [2020, 2030],
  [2030, 2040],
  [2040, 2050],
  [2050, 2060],
  [2060, 2070],
].map(([start, end], i) => ({
  id: i + 1,
  label: `${start}-${end}`,
  start: start!,
  end: end!,
  length: end! - start!,
}));

export const FIRST_YEAR = 2012;
/** Default horizon start: the projection years, without the calibration period. */
export const PROJECTION_START = 2020;
export const LAST_YEAR = 2070;
/** The years at which areas are known exactly: the period boundaries. */
export const PERIOD_BOUNDARIES: readonly number[] = [FIRST_YEAR, ...PERIODS.map((p) => p.end)];

const byLabel = new Map(PERIODS.map((p) => [p.label, p]));

/** The period with this label ("2020-2030"), or undefined. */
export function periodByLabel(label: string): Period | undefined {
  return byLabel.get(label);
}

/** Periods lying entirely inside [from, to]: "between 2030 and 2060" -> 2030-2040 .. 2050-2060. */
export function periodsWithin(from: number, to: number): Period[] {
  return PERIODS.filter((p) => p.start >= from && p.end <= to);
}
