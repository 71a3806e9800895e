import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analytics } from '../src/analytics/index.ts';
import { acres, narrate } from '../src/agent/narrate.ts';
import { openHandMade } from './helpers.ts';

describe('narration', () => {
  let cleanup: () => Promise<void>;
  let a: Analytics;

  beforeAll(async () => {
    const h = await openHandMade();
    cleanup = h.cleanup;
    a = h.service.analytics;
  });
  afterAll(() => cleanup());

  it('states the headline figure, its sources, the scenario and the years from the table', async () => {
    const r = await a.urbanExpansion({});
    const { answer, followUps } = narrate('query_urban_expansion', r);
    expect(answer).toContain('**750 acres**');
    expect(answer).toContain(`forest (${acres(300)}, 40.0%)`);
    expect(answer).toContain(
      'Scenario: the ensemble mean of all scenarios (OVERALL); years: 2020-2030.',
    );
    expect(followUps.length).toBeGreaterThanOrEqual(2);
  });

  it('every number in a ranking answer is a number in its table', async () => {
    const r = await a.stateComparison({ metric: 'urban_expansion' });
    const { answer } = narrate('compare_states', r);
    expect(answer).toContain(
      '**Alabama** leads with 600 acres, followed by California (150 acres).',
    );
    const numbers = [...answer.matchAll(/(\d[\d,]*) acres/g)].map((m) =>
      Number(m[1]!.replace(/,/g, '')),
    );
    const values = r.rows.map((x) => x.value);
    for (const n of numbers) expect(values).toContain(n);
  });

  it('names the scenario with its theme, and compares scenarios', async () => {
    const r = await a.scenarioComparison({ metric: 'urban_expansion' });
    const { answer } = narrate('compare_scenarios', r);
    expect(answer).toContain('highest under **HH** (1,000 acres)');
    const hh = narrate('query_urban_expansion', await a.urbanExpansion({ scenario: 'HH' })).answer;
    expect(hh).toContain('HH (High-High, Taking the Highway)');
    expect(hh).toContain('**1,000 acres**');
  });

  it('reports net change with its sign and percent', async () => {
    const { answer } = narrate('query_forest_change', await a.forestChange({}));
    expect(answer).toContain('**-300 acres** net');
    expect(answer).toContain('(-14.3%)');
  });
});
