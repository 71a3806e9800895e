import { describe, expect, it } from 'vitest';
import { CLIMATE_MODELS, climateModelByName } from './climate-models.ts';
import {
  PATHWAYS,
  RUN_NAMES,
  SCENARIOS,
  parseRunName,
  runName,
  scenarioByCode,
  scenarioByDbName,
  scenariosWithRcp,
} from './scenarios.ts';

describe('run names', () => {
  it('there are 20: 5 climate models x 4 pathways, all distinct', () => {
    expect(RUN_NAMES).toHaveLength(20);
    expect(new Set(RUN_NAMES).size).toBe(20);
    expect(RUN_NAMES).toContain('CNRM_CM5_rcp45_ssp1');
    expect(RUN_NAMES).toContain('HadGEM2_ES365_rcp85_ssp5');
  });

  it.each(RUN_NAMES.map((n) => [n]))('%s round-trips through parseRunName and runName', (name) => {
    const parsed = parseRunName(name);
    expect(parsed).toBeDefined();
    expect(runName(parsed!.climateModel, parsed!.scenario)).toBe(name);
  });

  it('every model and pathway pair parses back to itself', () => {
    for (const model of CLIMATE_MODELS) {
      for (const pathway of PATHWAYS) {
        expect(parseRunName(runName(model, pathway))).toEqual({
          climateModel: model,
          scenario: pathway,
        });
      }
    }
  });

  it('the ensemble mean has no run name', () => {
    expect(() => runName(CLIMATE_MODELS[0]!, scenarioByCode('OVERALL')!)).toThrow(/OVERALL/);
  });

  it.each([
    'CNRM_CM5',
    'CNRM_CM5_rcp45',
    'CNRM_CM5_rcp45_ssp5',
    'CNRM_CM5_rcp26_ssp1',
    'UNKNOWN_rcp45_ssp1',
    'CNRM_CM5_overall',
    '',
  ])('%j is no run name', (name) => {
    expect(parseRunName(name)).toBeUndefined();
  });
});

describe('scenarios', () => {
  it('looks them up by code and database name', () => {
    for (const s of SCENARIOS) {
      expect(scenarioByCode(s.code)).toBe(s);
      expect(scenarioByCode(s.code.toLowerCase())).toBe(s);
      expect(scenarioByDbName(s.dbName)).toBe(s);
    }
  });

  it('groups the pathways by RCP', () => {
    expect(scenariosWithRcp('RCP45').map((s) => s.code)).toEqual(['LM']);
    expect(scenariosWithRcp('RCP85').map((s) => s.code)).toEqual(['HM', 'HL', 'HH']);
  });

  it('climate models are found by their run-name spelling', () => {
    for (const m of CLIMATE_MODELS) expect(climateModelByName(m.name.toUpperCase())).toBe(m);
  });
});
