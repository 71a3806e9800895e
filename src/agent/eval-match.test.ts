import { describe, expect, it } from 'vitest';
import {
  firstRankedItem,
  isRankedTable,
  itemMatches,
  itemSpellings,
  numberMatches,
  numbersInText,
  unstatedFigures,
  type CountyName,
} from './eval-match.ts';
import { checkAnswer } from './eval-values.ts';

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

describe('numbersInText', () => {
  it('reads unit words at their written precision', () => {
    expect(numbersInText('Texas has **20.7 million acres**')).toEqual([
      { value: 20_700_000, halfStep: 50_000 },
    ]);
    expect(numbersInText('about 1.67 billion acres and 3 thousand')).toEqual([
      { value: 1_670_000_000, halfStep: 5_000_000 },
      { value: 3000, halfStep: 500 },
    ]);
    expect(numbersInText('18.4 M acres, then 1.2B')).toEqual([
      { value: 18_400_000, halfStep: 50_000 },
      { value: 1_200_000_000, halfStep: 50_000_000 },
    ]);
  });

  it('reads percent, commas, decimals and signs', () => {
    expect(numbersInText('-1.86%')).toEqual([{ value: -1.86 }]);
    expect(numbersInText('5,423,893 acres')).toEqual([{ value: 5_423_893 }]);
    expect(numbersInText('grows +43.6 percent; \u2212300 acres; (-2.7%)')).toEqual([
      { value: 43.6 },
      { value: -300 },
      { value: -2.7 },
    ]);
  });

  it('does not take a range dash for a sign, nor digits inside names', () => {
    expect(
      numbersInText('changes by -10.9 million acres net over 2020-2070 under RCP85_SSP5'),
    ).toEqual([{ value: -10_900_000, halfStep: 50_000 }, { value: 2020 }, { value: 2070 }]);
    expect(numbersInText('CNRM_CM5, SSP5, HadGEM2_ES365')).toEqual([]);
  });
});

describe('numberMatches', () => {
  const one = (text: string) => numbersInText(text)[0]!;

  it('accepts 1 % or 0.5 absolute', () => {
    expect(numberMatches(5_423_892.73, one('5,423,893 acres'))).toBe(true);
    expect(numberMatches(5_470_000, one('5,423,893 acres'))).toBe(true);
    expect(numberMatches(5_500_000, one('5,423,893 acres'))).toBe(false);
    expect(numberMatches(0.3, one('0 acres'))).toBe(true);
    expect(numberMatches(-14.2857, one('(-14.3%)'))).toBe(true);
    expect(numberMatches(-1.858, one('-1.86%'))).toBe(true);
  });

  it('keeps the sign: a loss of 300 is not a change of -300', () => {
    expect(numberMatches(-300, one('-300 acres'))).toBe(true);
    expect(numberMatches(-300, one('300 acres'))).toBe(false);
    expect(numberMatches(14.29, one('-14.3%'))).toBe(false);
  });

  it('accepts a unit-word number at the precision it is written', () => {
    expect(numberMatches(20_749_999, one('20.7 million'))).toBe(true);
    expect(numberMatches(21_000_000, one('20.7 million'))).toBe(false);
    expect(numberMatches(2_400_000, one('2 million acres'))).toBe(true);
    expect(numberMatches(2_600_000, one('2 million acres'))).toBe(false);
    expect(numberMatches(-10_940_000, one('-10.9 million'))).toBe(true);
    expect(numberMatches(10_940_000, one('-10.9 million'))).toBe(false);
  });
});

describe('item spellings', () => {
  const none = new Map<string, CountyName>();
  const spelled = (item: string, text: string, counties = none) =>
    itemMatches({ bold: text }, itemSpellings(item, counties));

  it('spells states, scenarios, climate models and land uses', () => {
    expect(spelled('TX', 'Texas')).toBe(true);
    expect(spelled('TX', 'tx')).toBe(true);
    expect(spelled('TX', 'Tennessee')).toBe(false);
    for (const s of ['High-High', 'RCP85_SSP5', 'Taking the Highway', 'HH (High-High)', 'hh']) {
      expect(spelled('HH', s), s).toBe(true);
    }
    expect(spelled('HH', 'HM')).toBe(false);
    expect(spelled('OVERALL', 'Ensemble mean')).toBe(true);
    expect(spelled('CNRM_CM5', 'wet')).toBe(true);
    expect(spelled('CNRM_CM5', 'CNRM-CM5')).toBe(true);
    expect(spelled('CNRM_CM5', 'hot')).toBe(false);
    expect(spelled('Crop', 'cropland')).toBe(true);
    expect(spelled('Urban', 'developed')).toBe(true);
    expect(spelled('Forest', 'Pasture')).toBe(false);
  });

  it('spells regions, years and periods', () => {
    expect(spelled('Pacific Northwest', 'PNW')).toBe(true);
    expect(spelled('South', 'the South')).toBe(true);
    expect(spelled('Rocky Mountain', 'the Rockies')).toBe(true);
    expect(spelled('2040', '2040')).toBe(true);
    expect(spelled('2030-2040', '2030 to 2040')).toBe(true);
    expect(spelled('2030-2040', '2030\u20132040')).toBe(true);
    expect(spelled('2030-2040', 'the 2030s')).toBe(false);
    expect(spelled('2030-2040', '2030s')).toBe(true);
    expect(spelled('2030-2040', '2040-2050')).toBe(false);
  });

  it('spells a county FIPS code by its name', () => {
    const counties = new Map([['13121', { county: 'Fulton', state: 'GA' }]]);
    for (const s of ['Fulton', 'Fulton County', 'Fulton, GA', 'Fulton County, Georgia', '13121']) {
      expect(spelled('13121', s, counties), s).toBe(true);
    }
    expect(spelled('13121', 'Fulton, OH', counties)).toBe(false);
    expect(spelled('13121', 'DeKalb, GA', counties)).toBe(false);
  });

  it('matches any cell of a table row', () => {
    const row = { rank: 1, county: 'Autauga', state: 'AL', fips: '01001', value: 300 };
    expect(itemMatches({ row }, itemSpellings('AL', none))).toBe(true);
    expect(itemMatches({ row }, itemSpellings('CA', none))).toBe(false);
  });
});

describe('the first ranked item', () => {
  const scenarioTable = {
    title: 'Forest loss by scenario',
    columns: ['scenario', 'value'],
    rows: [
      { scenario: 'OVERALL', value: 300 },
      { scenario: 'LM', value: 200 },
      { scenario: 'HH', value: 400 },
    ],
  };

  it('is the first row of a ranked table', () => {
    const ranked = {
      title: 't',
      columns: ['rank', 'state', 'value'],
      rows: [
        { rank: 1, state: 'AL', value: 1 },
        { rank: 2, state: 'CA', value: 2 },
      ],
    };
    expect(isRankedTable(ranked)).toBe(true);
    expect(firstRankedItem({ answer: '**California** first', tables: [ranked] })).toEqual({
      row: { rank: 1, state: 'AL', value: 1 },
    });
    // Ordered by a value column (not by years): a ranking too.
    const sorted = { ...scenarioTable, rows: scenarioTable.rows.slice(0, 2) };
    expect(isRankedTable(sorted)).toBe(true);
  });

  it('is the first bold item when the table is in a fixed order or there is none', () => {
    expect(isRankedTable(scenarioTable)).toBe(false);
    const text = 'Forest loss: highest under **HH** (400 acres), lowest under **HL**.';
    expect(firstRankedItem({ answer: text, tables: [scenarioTable] })).toEqual({ bold: 'HH' });
    expect(firstRankedItem({ answer: text, tables: [] })).toEqual({ bold: 'HH' });
    expect(firstRankedItem({ answer: 'nothing', tables: [] })).toBeUndefined();
    const byYear = {
      title: 'by year',
      columns: ['year', 'acres'],
      rows: [
        { year: 2030, acres: 5 },
        { year: 2040, acres: 9 },
        { year: 2050, acres: 7 },
      ],
    };
    expect(isRankedTable(byYear)).toBe(false);
  });
});

describe('checkAnswer', () => {
  const none = new Map<string, CountyName>();
  const answer = (text: string, tools: string[] = []) => ({
    answer: text,
    tables: [],
    toolCalls: tools.map((name) => ({ name, args: {}, rows: 0, durationMs: 0 })),
  });

  it('finds values in the text or the tables', () => {
    const a = {
      answer: 'Texas has **12.5 million acres** of forest (7.6%).',
      tables: [{ title: 't', columns: ['acres'], rows: [{ acres: 12_522_114.68 }] }],
      toolCalls: [],
    };
    expect(checkAnswer({ check: 'value', value: 12_522_114.68 }, a, none)).toBeUndefined();
    expect(checkAnswer({ check: 'value', value: 7.63 }, a, none)).toBeUndefined();
    expect(checkAnswer({ check: 'values', values: [12_480_000, 7.6] }, a, none)).toBeUndefined();
    expect(checkAnswer({ check: 'value', value: 13_000_000 }, a, none)).toMatch(
      /not in the answer/,
    );
  });

  it('wants no tool call and no table for a decline', () => {
    expect(checkAnswer({ check: 'decline' }, answer('Outside the data.'), none)).toBeUndefined();
    expect(
      checkAnswer({ check: 'decline' }, answer('0 acres', ['query_land_use_area']), none),
    ).toMatch(/called query_land_use_area/);
  });

  it('wants the top item and, when given, its value', () => {
    const a = answer('**Alabama** leads with 600 acres, followed by California (150 acres).');
    expect(checkAnswer({ check: 'top', item: 'AL', value: 600 }, a, none)).toBeUndefined();
    expect(checkAnswer({ check: 'top', item: 'AL', value: 900 }, a, none)).toMatch(
      /value 900 is not/,
    );
    expect(checkAnswer({ check: 'top', item: 'CA' }, a, none)).toMatch(/is not CA/);
  });
});
