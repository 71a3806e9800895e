import { describe, expect, it } from 'vitest';
import { PERIODS, PERIOD_BOUNDARIES, periodByLabel, periodsWithin } from './periods.ts';

const labels = (from: number, to: number) => periodsWithin(from, to).map((p) => p.label);

describe('periods', () => {
  it('are six consecutive periods from 2012 to 2070', () => {
    expect(PERIODS.map((p) => p.label)).toEqual([
      '2012-2020',
      '2020-2030',
      '2030-2040',
      '2040-2050',
      '2050-2060',
      '2060-2070',
    ]);
    expect(PERIOD_BOUNDARIES).toEqual([2012, 2020, 2030, 2040, 2050, 2060, 2070]);
    expect(PERIODS[0]?.length).toBe(8);
    expect(periodByLabel('2040-2050')?.id).toBe(4);
    expect(periodByLabel('2040-2051')).toBeUndefined();
  });

  it('periodsWithin keeps the periods lying entirely inside the years', () => {
    expect(labels(2020, 2050)).toEqual(['2020-2030', '2030-2040', '2040-2050']);
    expect(labels(2030, 2060)).toEqual(['2030-2040', '2040-2050', '2050-2060']);
    expect(labels(2012, 2070)).toHaveLength(6);
    expect(labels(2020, 2070)).toHaveLength(5);
    expect(labels(2025, 2050)).toEqual(['2030-2040', '2040-2050']);
    expect(labels(2020, 2029)).toEqual([]);
    expect(labels(2050, 2030)).toEqual([]);
  });
});
