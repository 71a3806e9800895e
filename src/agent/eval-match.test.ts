import { describe, expect, it } from 'vitest';
import { unstatedFigures } from './eval-match.ts';

const table = (rows: Record<string, unknown>[]) => ({
  title: 'Forest loss, 2020-2070',
  columns: ['state', 'acres'],
  rows,
});

describe('unstatedFigures', () => {
  it('finds a figure the text states and no table holds', () => {
    const answer = {
      answer: '**Texas** loses 1,234,567 acres over 2020-2070, about 24,691 acres a year.',
      tables: [table([{ state: 'TX', acres: 1_234_567 }])],
    };
    expect(unstatedFigures(answer).map((n) => n.value)).toEqual([24_691]);
  });

  it('takes rounded, signless and percent figures as held, and ignores years and counts', () => {
    const answer = {
      answer:
        'Forest declines by **1.2 million acres** (-3.4%) in the 2040s; the 5 models agree; top 10 below.\n\n' +
        '_Demo data: modelled values for the real counties, not the RPA projections._',
      tables: [
        table([{ state: 'TX', acres: -1_234_567 }]),
        {
          title: 'Key figures',
          columns: ['figure', 'value'],
          rows: [{ figure: 'net change pct', value: -3.41 }],
        },
      ],
    };
    expect(unstatedFigures(answer)).toEqual([]);
  });

  it('holds a percent to its table within rounding, not any number near it', () => {
    const answer = {
      answer: 'Urban land grows +12.6%.',
      tables: [table([{ state: 'TX', acres: 14 }])],
    };
    expect(unstatedFigures(answer).map((n) => n.value)).toEqual([12.6]);
  });
});
