import { describe, expect, it } from 'vitest';
import { STATES } from './geography.ts';
import { allowedEdits, closestMatches, editDistance, normalizeText } from './text.ts';

describe('normalizeText', () => {
  it.each([
    ['  New   York ', 'new york'],
    ['D.C.', 'dc'],
    ['RCP 4.5.', 'rcp 4.5'],
    ['rcp45_ssp1', 'rcp45 ssp1'],
    ['Fossil-Fuelled', 'fossil fuelled'],
    ['Québec', 'quebec'],
    ["Hawai'i", 'hawaii'],
    ['crop & pasture', 'crop and pasture'],
  ])('%j -> %j', (text, normal) => {
    expect(normalizeText(text)).toBe(normal);
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['forest', 'forest', 0],
    ['forrest', 'forest', 1],
    ['yrok', 'york', 1],
    ['kitten', 'sitting', 3],
    ['calfornia', 'california', 1],
  ])('%j to %j is %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('allowedEdits', () => {
  it('allows nothing for short words, then one, then two', () => {
    expect([3, 5, 6, 9, 10, 20].map(allowedEdits)).toEqual([0, 0, 1, 1, 2, 2]);
  });
});

describe('closestMatches', () => {
  const names = STATES.map((s) => s.name);

  it('lists the nearest names first', () => {
    expect(closestMatches('Texs', names)).toEqual(['Texas', 'Tennessee', 'Nebraska']);
    expect(closestMatches('new', names)).toEqual(['New York', 'New Jersey', 'New Mexico']);
    expect(closestMatches('calfornia', names, 1)).toEqual(['California']);
  });

  it('always lists n choices, close or not, and no duplicates', () => {
    expect(closestMatches('Narnia', names, 5)).toHaveLength(5);
    expect(closestMatches('a', ['b', 'b', 'c'], 3)).toEqual(['b', 'c']);
    expect(closestMatches('a', [], 3)).toEqual([]);
    expect(closestMatches('x', names, 0)).toEqual([]);
  });
});
