import { describe, expect, it } from 'vitest';
import { jsonPath } from './validate.ts';

describe('jsonPath', () => {
  it('names a value inside the raw file the way a JSON tool would find it', () => {
    expect(
      jsonPath({
        run: 'CNRM_CM5_rcp45_ssp1',
        period: '2020-2030',
        fips: '01001',
        row: 2,
        field: 'fr',
      }),
    ).toBe('$["CNRM_CM5_rcp45_ssp1"]["2020-2030"]["01001"][2].fr');
  });

  it('stops at the deepest part given', () => {
    expect(jsonPath({})).toBe('$');
    expect(jsonPath({ run: 'X' })).toBe('$["X"]');
    expect(jsonPath({ run: 'X', period: '2012-2020', fips: '06037' })).toBe(
      '$["X"]["2012-2020"]["06037"]',
    );
    expect(jsonPath({ run: 'X', period: 'p', fips: 'f', row: 0 })).toBe('$["X"]["p"]["f"][0]');
  });

  it('escapes keys that are not plain names', () => {
    expect(jsonPath({ run: 'a"b' })).toBe('$["a\\"b"]');
  });
});
