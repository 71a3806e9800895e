import { describe, expect, it } from 'vitest';
import { CLIMATE_MODELS } from './climate-models.ts';
import { STATES, statesIn } from './geography.ts';
import { LAND_USES } from './land-uses.ts';
import {
  expandGeography,
  findClimateModel,
  findLandUse,
  findLandUseCategory,
  findRegion,
  findScenario,
  findScenarios,
  findState,
} from './lookup.ts';
import { SCENARIOS } from './scenarios.ts';

const NON_MATCHES = ['Narnia', 'xyz', '', '   ', 'weather', 'the', 'land use', '2050'];

const codes = (list: readonly { code: string }[]) => list.map((s) => s.code);
const abbrevs = (list: readonly { abbrev: string }[]) => list.map((s) => s.abbrev);

describe('findLandUse', () => {
  it.each(LAND_USES.flatMap((u) => [u.code, u.key, u.name, ...u.aliases].map((t) => [t, u.key])))(
    '%s -> %s',
    (text, key) => {
      expect(findLandUse(text)?.key).toBe(key);
    },
  );

  it.each([
    ['farmland', 'crop'],
    ['developed land', 'urban'],
    ['woods', 'forest'],
    ['FARMLAND', 'crop'],
    ['Forests', 'forest'],
    ['woodlands', 'forest'],
    ['the forest', 'forest'],
    ['forest cover', 'forest'],
    ['urban areas', 'urban'],
    ['Built-Up', 'urban'],
    ['CR', 'crop'],
    ['forrest', 'forest'],
    ['pastur', 'pasture'],
    ['rangland', 'rangeland'],
    ['croplnd', 'crop'],
    ['urbanisaton', 'urban'],
  ])('%s -> %s', (text, key) => {
    expect(findLandUse(text)?.key).toBe(key);
  });

  it.each([...NON_MATCHES, 'frost', 'orange', 'cro', 'agriculture', 'water'])(
    '%j is no land use',
    (text) => {
      expect(findLandUse(text)).toBeUndefined();
    },
  );

  it('never throws on input from untyped callers', () => {
    expect(findLandUse(undefined as unknown as string)).toBeUndefined();
    expect(findLandUse(42 as unknown as string)).toBeUndefined();
  });
});

describe('findLandUseCategory', () => {
  it.each([
    ['agricultural land', 'Agriculture'],
    ['Agriculture', 'Agriculture'],
    ['natural areas', 'Natural'],
    ['developed', 'Developed'],
  ])('%s -> %s', (text, category) => {
    expect(findLandUseCategory(text)).toBe(category);
  });

  it.each(NON_MATCHES)('%j is no category', (text) => {
    expect(findLandUseCategory(text)).toBeUndefined();
  });
});

describe('findScenario and findScenarios', () => {
  it.each(
    SCENARIOS.flatMap((s) =>
      [s.code, s.dbName, s.name, s.theme, ...s.aliases].map((t) => [t, s.code]),
    ),
  )('%s -> %s', (text, code) => {
    expect(findScenario(text)?.code).toBe(code);
  });

  it.each([
    ['RCP4.5', 'LM'],
    ['rcp 4.5', 'LM'],
    ['RCP-4.5', 'LM'],
    ['SSP1', 'LM'],
    ['SSP5', 'HH'],
    ['ssp 3', 'HL'],
    ['SSP2', 'HM'],
    ['RCP8.5 SSP5', 'HH'],
    ['rcp85_ssp3', 'HL'],
    ['fossil-fuelled', 'HH'],
    ['Fossil Fuelled', 'HH'],
    ['taking the highway', 'HH'],
    ['Taking the Highway scenario', 'HH'],
    ['the high-high scenario', 'HH'],
    ['ensemble', 'OVERALL'],
    ['the ensemble mean', 'OVERALL'],
    ['ensamble', 'OVERALL'],
    ['taking the green raod', 'LM'],
    ['A Rocky Road', 'HL'],
    ['middle of the road', 'HM'],
    ['hh', 'HH'],
  ])('%s -> %s', (text, code) => {
    expect(findScenario(text)?.code).toBe(code);
  });

  it('RCP 8.5 is ambiguous: every RCP8.5 pathway, and no single scenario', () => {
    for (const text of ['RCP 8.5', 'rcp8.5', 'RCP85', 'rcp 85', 'RCP8.5 pathways']) {
      expect(codes(findScenarios(text))).toEqual(['HM', 'HL', 'HH']);
      expect(findScenario(text)).toBeUndefined();
    }
  });

  it('an RCP and an SSP that contradict name nothing, nor does SSP4', () => {
    expect(findScenarios('RCP4.5 SSP5')).toEqual([]);
    expect(findScenarios('SSP4')).toEqual([]);
  });

  it.each([...NON_MATCHES, 'high', 'road', 'scenario'])('%j is no scenario', (text) => {
    expect(findScenarios(text)).toEqual([]);
    expect(findScenario(text)).toBeUndefined();
  });
});

describe('findClimateModel', () => {
  it.each(
    CLIMATE_MODELS.flatMap((m) => [m.name, m.nickname, ...m.aliases].map((t) => [t, m.name])),
  )('%s -> %s', (text, name) => {
    expect(findClimateModel(text)?.name).toBe(name);
  });

  it.each([
    ['the hot model', 'HadGEM2_ES365'],
    ['hot model', 'HadGEM2_ES365'],
    ['the hottest GCM', 'HadGEM2_ES365'],
    ['HadGEM2-ES365', 'HadGEM2_ES365'],
    ['hadgem2es365', 'HadGEM2_ES365'],
    ['cnrm_cm5', 'CNRM_CM5'],
    ['the wet model', 'CNRM_CM5'],
    ['dry', 'IPSL_CM5A_MR'],
    ['least warm', 'MRI_CGCM3'],
    ['middle model', 'NorESM1_M'],
    ['NorESM1-M', 'NorESM1_M'],
    ['hadgen2', 'HadGEM2_ES365'],
  ])('%s -> %s', (text, name) => {
    expect(findClimateModel(text)?.name).toBe(name);
  });

  it.each([...NON_MATCHES, 'model', 'warm', 'cold'])('%j is no climate model', (text) => {
    expect(findClimateModel(text)).toBeUndefined();
  });
});

describe('findState', () => {
  it.each(STATES.map((s) => [s.name, s.abbrev]))('by name: %s', (name, abbrev) => {
    expect(findState(name)?.abbrev).toBe(abbrev);
    expect(findState(name.toUpperCase())?.abbrev).toBe(abbrev);
    expect(findState(` ${name.toLowerCase()} `)?.abbrev).toBe(abbrev);
  });

  it.each(STATES.map((s) => [s.abbrev, s.name]))('by abbreviation: %s', (abbrev, name) => {
    expect(findState(abbrev)?.name).toBe(name);
    expect(findState(abbrev.toLowerCase())?.name).toBe(name);
  });

  it.each(STATES.map((s) => [s.fips, s.abbrev]))('by FIPS: %s', (fips, abbrev) => {
    expect(findState(fips)?.abbrev).toBe(abbrev);
  });

  it('accepts a one-digit FIPS code', () => {
    expect(findState('6')?.abbrev).toBe('CA');
  });

  it.each([
    ['pensylvania', 'PA'],
    ['Calfornia', 'CA'],
    ['new yrok', 'NY'],
    ['Misisippi', 'MS'],
    ['Tennesee', 'TN'],
    ['Conneticut', 'CT'],
    ['Massachusets', 'MA'],
    ['Virgina', 'VA'],
    ['west virgina', 'WV'],
    ['north carolia', 'NC'],
    ['Louisianna', 'LA'],
    ['Arizonia', 'AZ'],
    ['Orgeon', 'OR'],
  ])('misspelt %s -> %s', (text, abbrev) => {
    expect(findState(text)?.abbrev).toBe(abbrev);
  });

  it.each([
    ['Washington DC', 'DC'],
    ['D.C.', 'DC'],
    ['washington state', 'WA'],
    ['the state of Texas', 'TX'],
    ['New York State', 'NY'],
    ['N.Y.', 'NY'],
  ])('%s -> %s', (text, abbrev) => {
    expect(findState(text)?.abbrev).toBe(abbrev);
  });

  it.each([
    ...NON_MATCHES,
    'main',
    'maize',
    'marine',
    'taxes',
    'dakota',
    'carolina',
    'new',
    'AK',
    'HI',
    'XX',
    'C',
    '02',
    '99',
    '006',
    'Alaska',
    'Puerto Rico',
    'South',
  ])('%j is no state', (text) => {
    expect(findState(text)).toBeUndefined();
  });
});

describe('findRegion', () => {
  it('gives a name that is both RPA and Census its RPA meaning', () => {
    expect(findRegion('South')).toMatchObject({ kind: 'rpaRegion', name: 'South' });
    expect(findRegion('the South')).toMatchObject({ kind: 'rpaRegion', name: 'South' });
    expect(findRegion('Northeast')).toMatchObject({ kind: 'rpaSubregion', name: 'Northeast' });
    expect(findRegion('RPA South')).toMatchObject({ kind: 'rpaRegion', name: 'South' });
  });

  it('gives it the Census meaning when the text says census', () => {
    for (const text of ['census south', 'South census region', 'the Census Bureau South']) {
      expect(findRegion(text)).toMatchObject({ kind: 'censusRegion', name: 'South' });
    }
    expect(findRegion('Northeast census region')).toMatchObject({
      kind: 'censusRegion',
      name: 'Northeast',
    });
    expect(abbrevs(findRegion('census northeast')!.states)).not.toContain('MD');
    expect(abbrevs(findRegion('northeast')!.states)).toContain('MD');
  });

  it.each([
    ['Pacific Northwest', 'rpaSubregion', 'Pacific Northwest'],
    ['the Great Plains', 'rpaSubregion', 'Great Plains'],
    ['Rocky Mountains', 'rpaRegion', 'Rocky Mountain'],
    ['Rocky Mountain region', 'rpaRegion', 'Rocky Mountain'],
    ['the Rockies', 'rpaRegion', 'Rocky Mountain'],
    ['midwest', 'censusRegion', 'Midwest'],
    ['Midwest region', 'censusRegion', 'Midwest'],
    ['West', 'censusRegion', 'West'],
    ['North', 'rpaRegion', 'North'],
    ['Pacific Coast', 'rpaRegion', 'Pacific Coast'],
    ['west coast', 'rpaRegion', 'Pacific Coast'],
    ['North Central', 'rpaSubregion', 'North Central'],
    ['Southeast', 'rpaSubregion', 'Southeast'],
    ['South Central', 'rpaSubregion', 'South Central'],
    ['Intermountain West', 'rpaSubregion', 'Intermountain'],
    ['Pacific Southwest', 'rpaSubregion', 'Pacific Southwest'],
    ['PNW', 'rpaSubregion', 'Pacific Northwest'],
    ['pacific nortwest', 'rpaSubregion', 'Pacific Northwest'],
    ['great plans', 'rpaSubregion', 'Great Plains'],
  ])('%s -> %s %s', (text, kind, name) => {
    const region = findRegion(text);
    expect(region).toMatchObject({ kind, name });
    expect(region?.states).toEqual(
      statesIn(kind as 'rpaRegion' | 'rpaSubregion' | 'censusRegion', name),
    );
  });

  it('lists the states DATA.md gives the RPA regions', () => {
    expect(abbrevs(findRegion('Pacific Northwest')!.states)).toEqual(['OR', 'WA']);
    expect(abbrevs(findRegion('Great Plains')!.states).sort()).toEqual(['KS', 'ND', 'NE', 'SD']);
    expect(abbrevs(findRegion('Southeast')!.states).sort()).toEqual(['FL', 'GA', 'NC', 'SC', 'VA']);
  });

  it('returns a fresh list of states each time', () => {
    findRegion('South')!.states.length = 0;
    expect(findRegion('South')!.states.length).toBeGreaterThan(0);
  });

  it.each([...NON_MATCHES, 'census north', 'rpa west', 'Southwest', 'Texas', 'sout'])(
    '%j is no region',
    (text) => {
      expect(findRegion(text)).toBeUndefined();
    },
  );
});

describe('expandGeography', () => {
  it('expands states and regions to states, de-duplicated in order of first mention', () => {
    const states = expandGeography(['Texas', 'Pacific Northwest', 'TX', 'Oregon', 'Narnia']);
    expect(abbrevs(states)).toEqual(['TX', 'OR', 'WA']);
  });

  it('takes a state before a region and the RPA meaning of South', () => {
    expect(abbrevs(expandGeography(['South'])).sort()).toEqual(
      abbrevs(statesIn('rpaRegion', 'South')).sort(),
    );
    expect(expandGeography(['census south'])).toHaveLength(17);
  });

  it('is empty for nothing it knows', () => {
    expect(expandGeography([])).toEqual([]);
    expect(expandGeography(NON_MATCHES)).toEqual([]);
  });
});
