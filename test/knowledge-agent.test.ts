/**
 * The knowledge base through the real offline agent on a demo database: answers about the
 * assessment quote their sources, mixed questions call both the documents and a data tool,
 * declines stay declines, and data questions carry no sources.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion, createOfflineAgent, type AgentGraph } from '../src/agent/index.ts';
import { openAnalytics, type AnalyticsService } from '../src/analytics/open.ts';
import { loadConfig } from '../src/config/index.ts';
import { writeDemoFile } from '../src/data/demo/write.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { quietEffects, tempDir } from './helpers.ts';

describe('answers from the knowledge base (offline agent, demo data)', () => {
  let service: AnalyticsService;
  let agent: AgentGraph;
  let cleanup: () => Promise<void>;
  const ask = (question: string, threadId?: string) =>
    answerQuestion({
      agent,
      question,
      ...(threadId ? { threadId } : {}),
      provider: 'offline',
      dataset: service.ctx.dataset,
      timeoutMs: 20_000,
    });

  beforeAll(async () => {
    const t = await tempDir();
    cleanup = t.cleanup;
    const raw = join(t.dir, 'demo.json');
    const db = join(t.dir, 'landuse.duckdb');
    await writeDemoFile(raw, { seed: 42, counties: 300 });
    await runLoad({ input: raw, db, dataset: 'demo' }, quietEffects);
    service = await openAnalytics(loadConfig({ LANDUSE_DB_PATH: db }), { cache: false });
    agent = createOfflineAgent(service, { maxIterations: 4, maxRows: 1000, enableSql: false });
  }, 120_000);
  afterAll(async () => {
    await service?.close();
    await cleanup?.();
  });

  it('answers what a scenario assumes from the documents, quoting its source', async () => {
    const r = await ask('What does the High-Low scenario assume?');
    expect(r.toolCalls.map((c) => c.name)).toEqual(['search_rpa_documents']);
    expect(r.sources[0]).toEqual({
      title: 'The four RPA scenarios and the ensemble mean',
      section: 'High-Low (HL): A Rocky Road',
      ref: '/knowledge/scenarios#high-low-hl-a-rocky-road',
    });
    expect(r.answer).toContain('SSP3');
    expect(r.answer).toContain('section “High-Low (HL): A Rocky Road”');
    expect(r.tables).toEqual([]);
  });

  it('answers why, how and cite questions that were declined before', async () => {
    const why = await ask('Why does urban land never go back?');
    expect(why.sources[0]?.section).toBe('Urban land is irreversible');
    expect(why.answer).toMatch(/once land is urban .*stays urban/);
    const rcp = await ask('What is the difference between RCP 4.5 and RCP 8.5?');
    expect(rcp.sources[0]?.section).toBe('RCP 4.5 and RCP 8.5: the two climate pathways');
    const cite = await ask('How should I cite the 2020 RPA Assessment report?');
    expect(cite.sources[0]?.ref).toBe('/knowledge/citation#citing-the-2020-rpa-assessment-report');
    expect(cite.answer).toContain('WO-GTR-102');
  });

  it('says the tables are demo values when it quotes the published results', async () => {
    const r = await ask('How much developed land does the South gain in the published results?');
    expect(r.sources[0]?.ref).toBe('/knowledge/published-results#results-in-the-south');
    expect(r.answer).toContain('18.4 to 25.0 million acres');
    expect(r.answer).toContain('demo values');
  });

  it('calls both tools for a question that also asks for figures', async () => {
    const r = await ask('What does HH assume, and how much forest is lost under it?');
    expect(r.toolCalls.map((c) => c.name)).toEqual(['search_rpa_documents', 'query_forest_change']);
    expect(r.toolCalls[1]?.args).toMatchObject({ scenario: 'HH' });
    expect(r.sources[0]?.section).toBe('High-High (HH): Taking the Highway');
    expect(r.answer).toContain('SSP5');
    expect(r.answer).toMatch(/Forest in the conterminous US changes by .* acres/);
    expect(r.scenario).toEqual(['HH']);
    expect(r.tables.length).toBeGreaterThan(0);
  });

  it('sends a question worded like the example questions to the documents, not to a decline', async () => {
    // No what/why/how form the planner's words know, and nothing the data tools answer: before
    // the example questions, a decline.
    const r = await ask('is the demo data real?');
    expect(r.toolCalls.map((c) => c.name)).toEqual(['search_rpa_documents']);
    expect(r.sources[0]?.title).toBe('Limitations of the projections');
    expect(r.sources[0]?.section).toBe('Demo data');
    expect(r.answer).toContain('not the RPA projections');
  });

  it('adds the documents beside a data answer to a question about the assessment itself', async () => {
    // The planner reads "data set" as a request for the data summary; the question is about
    // who made it, which the citation answers. The data answer stays beside it.
    const r = await ask('who is the author of the data set');
    expect(r.toolCalls.map((c) => c.name)).toEqual(['search_rpa_documents', 'get_data_summary']);
    expect(r.sources[0]?.ref).toBe('/knowledge/citation#citing-the-land-use-data-set');
    expect(r.answer).toContain('Mihiar, Lewis and Coulston');
  });

  it('still declines weather and stock prices, with no sources', async () => {
    for (const q of [
      'What is the weather forecast for Ohio tomorrow?',
      'Why are stock prices falling?',
      'What is the price of Apple stock?',
      'Explain how to delete the forest data',
    ]) {
      const r = await ask(q);
      expect(r.toolCalls, q).toEqual([]);
      expect(r.sources, q).toEqual([]);
    }
  });

  it('answers data questions from the data, with no sources', async () => {
    const r = await ask('Which states have the most urban expansion by 2070?');
    expect(r.toolCalls.map((c) => c.name)).toEqual(['compare_states']);
    expect(r.sources).toEqual([]);
    // Worded somewhat like an example question, but it names a place and asks for figures.
    const florida = await ask('Which counties in Florida develop most?');
    expect(florida.toolCalls.map((c) => c.name)).toEqual(['query_top_counties']);
    expect(florida.sources).toEqual([]);
  });

  it('keeps a follow-up on the data, however much it reads like an example question', async () => {
    const first = await ask('What will happen to forests by 2050?', 'follow-up');
    expect(first.sources).toEqual([]);
    // Alone, "what about under HH?" reads like questions about the HH scenario's assumptions;
    // here it asks the previous question again under HH, and names no place for the data.
    const next = await ask('what about under HH?', 'follow-up');
    expect(next.toolCalls.map((c) => c.name)).toEqual([first.toolCalls[0]!.name]);
    expect(next.toolCalls[0]?.args).toMatchObject({ scenario: 'HH' });
    expect(next.sources).toEqual([]);
  });
});
