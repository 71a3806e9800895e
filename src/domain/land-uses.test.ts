import { describe, expect, it } from 'vitest';
import {
  LAND_USES,
  LAND_USE_CATEGORIES,
  landUseByCode,
  landUseByKey,
  landUsesInCategory,
} from './land-uses.ts';

const keys = (list: readonly { key: string }[]) => list.map((u) => u.key);

describe('land uses', () => {
  it('groups them as DATA.md says', () => {
    expect(keys(landUsesInCategory('Agriculture'))).toEqual(['crop', 'pasture']);
    expect(keys(landUsesInCategory('Natural'))).toEqual(['rangeland', 'forest']);
    expect(keys(landUsesInCategory('Developed'))).toEqual(['urban']);
  });

  it('every land use is in exactly one category', () => {
    const all = LAND_USE_CATEGORIES.flatMap((c) => keys(landUsesInCategory(c)));
    expect(all.sort()).toEqual(keys(LAND_USES).sort());
  });

  it('looks them up by code and key', () => {
    for (const u of LAND_USES) {
      expect(landUseByCode(u.code)).toBe(u);
      expect(landUseByKey(u.key)).toBe(u);
    }
    expect(landUseByCode('t2')).toBeUndefined();
    expect(landUseByKey('water')).toBeUndefined();
  });

  it('no alias names two land uses', () => {
    const aliases = LAND_USES.flatMap((u) => u.aliases);
    expect(new Set(aliases).size).toBe(aliases.length);
    for (const a of aliases) expect(a).toBe(a.toLowerCase());
  });
});
