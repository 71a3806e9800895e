/**
 * The dashboard's analytics routes in process over the hand-made fixture. Expected figures are
 * worked out by hand from test/fixtures/hand-made.json (hundreds of acres in the file): urban
 * expansion 2020-2030 is 500 acres under LM, 1000 under HH, 750 for OVERALL (their mean), of
 * which Autauga AL (01001) has 600 and Los Angeles CA (06037) 150.
 */
import type { FastifyInstance } from 'fastify';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpointer } from '../src/agent/index.ts';
import { createAnalytics, type AnalyticsContext } from '../src/analytics/index.ts';
import type { AnalyticsService } from '../src/analytics/open.ts';
import { loadConfig } from '../src/config/index.ts';
import { buildApp } from '../src/server/app.ts';
import { openServerDeps } from '../src/server/deps.ts';
import { openHandMade } from './helpers.ts';
import { openTestApp, expectNoInternals, type Body } from './server-helpers.ts';

/** The app over a service the test shapes (demo labelling, a failing query). */
async function appOver(service: AnalyticsService): Promise<FastifyInstance> {
  const config = loadConfig({ LANDUSE_API_RATE_LIMIT: '0', LANDUSE_API_DAILY_QUOTA: '0' });
  const deps = await openServerDeps(config, {
    service,
    checkpointer: createCheckpointer({ kind: 'memory' }),
  });
  return buildApp(deps, { logger: false });
}

describe('GET /api/analytics/*', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  const get = async (url: string) => {
    const r = await app.inject({ method: 'GET', url });
    return { status: r.statusCode, body: r.json<Body>(), text: r.body, headers: r.headers };
  };
  beforeAll(async () => {
    ({ app, close } = await openTestApp());
  });
  afterAll(() => close());

  it('overview: headline figures for the default scenario and period, labelled rpa', async () => {
    const r = await get('/api/analytics/overview');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      dataset: 'rpa',
      notice: null,
      scenario: ['OVERALL'],
      years: { start: 2020, end: 2030 },
      summary: { counties: 2 },
      figures: {
        urban_expansion_acres: 750,
        urban_expansion_acres_per_year: 75,
        forest_loss_acres: 300,
        forest_net_acres: -300,
      },
    });
    const urban = r.body.land_use.find((u) => u.land_use === 'urban');
    expect(urban).toMatchObject({ acres_start: 1800, acres_end: 2550, change: 750 });
  });

  it('overview follows the scenario and geography filters', async () => {
    const hh = await get('/api/analytics/overview?scenario=HH');
    expect(hh.body.figures.urban_expansion_acres).toBe(1000);
    const al = await get('/api/analytics/overview?states=AL');
    expect(al.body.figures.urban_expansion_acres).toBe(600);
    expect(al.body.geography.states).toEqual(['AL']);
    const both = await get('/api/analytics/overview?states=AL,%20CA&period=2020-2030');
    expect(both.body.figures.urban_expansion_acres).toBe(750);
    // year_range, the name the tools and the CLI use, means the same as the older period.
    const named = await get('/api/analytics/overview?states=AL,%20CA&year_range=2020-2030');
    expect(named.body.figures).toEqual(both.body.figures);
  });

  it('scenarios: one metric under each scenario', async () => {
    const r = await get('/api/analytics/scenarios?scenarios=LM,HH,OVERALL');
    expect(r.status).toBe(200);
    const value = (code: string) => r.body.rows.find((x) => x.scenario === code)?.value;
    expect([value('OVERALL'), value('LM'), value('HH')]).toEqual([750, 500, 1000]);
    expect(r.body.rows).toHaveLength(3);
    expect(r.body.figures).toMatchObject({ highest: 'HH', lowest: 'LM' });
    const ca = await get('/api/analytics/scenarios?states=CA&scenarios=LM,HH');
    expect(ca.body.rows.map((x) => x.value)).toEqual([100, 200]);
  });

  it('transitions: flows and the from x to matrix', async () => {
    const r = await get('/api/analytics/transitions?from_use=forest');
    expect(r.status).toBe(200);
    expect(r.body.rows).toEqual([
      { from_use: 'forest', to_use: 'urban', acres: 300, share_pct: 100 },
    ]);
    const { uses, acres } = r.body.matrix;
    expect(acres[uses.indexOf('forest')]![uses.indexOf('urban')]).toBe(300);
    const all = await get('/api/analytics/transitions?scenario=LM&states=AL');
    expect(all.body.figures.total_acres).toBe(400);
  });

  it('timeseries: area of each use at every period boundary', async () => {
    const r = await get('/api/analytics/timeseries?land_use=urban');
    expect(r.status).toBe(200);
    expect(r.body.columns).toEqual(['scenario', 'year', 'urban']);
    expect(r.body.rows.map((x) => [x.year, x.urban])).toEqual([
      [2012, 1300],
      [2020, 1800],
      [2030, 2550],
    ]);
    const two = await get('/api/analytics/timeseries?scenarios=LM,HH&county=01001');
    expect(new Set(two.body.rows.map((x) => x.scenario))).toEqual(new Set(['LM', 'HH']));
  });

  it('map: one value per county or per state, with the range', async () => {
    const county = await get('/api/analytics/map');
    expect(county.status).toBe(200);
    expect(county.body).toMatchObject({
      metric: 'urban_expansion',
      level: 'county',
      unit: 'acres',
      min: 150,
      max: 600,
      values: [
        { fips: '01001', name: 'Autauga', state: 'AL', value: 600 },
        { fips: '06037', name: 'Los Angeles', state: 'CA', value: 150 },
      ],
    });
    const state = await get('/api/analytics/map?level=state&scenario=HH');
    expect(state.body.values).toEqual([
      { name: 'Alabama', state: 'AL', value: 800 },
      { name: 'California', state: 'CA', value: 200 },
    ]);
    // Autauga's urban area: 700 acres in 2020, 1300 in 2030 (OVERALL).
    const pct = await get('/api/analytics/map?metric=urban_change_pct&states=AL');
    expect(pct.body).toMatchObject({ unit: 'percent', values: [{ fips: '01001', value: 85.71 }] });
    const forest = await get('/api/analytics/map?metric=forest_net&level=state');
    expect(forest.body.values.map((v) => v.value)).toEqual([-300, 0]);
  });

  it('compresses a large body for a client that accepts gzip, and only then', async () => {
    const url = '/api/analytics/map?metric=urban_expansion&level=county';
    const plain = await app.inject({ method: 'GET', url });
    // The fixture's map is small; a body over the 1 KiB threshold is the overview's.
    const big = '/api/analytics/overview';
    const raw = await app.inject({ method: 'GET', url: big });
    expect(raw.headers['content-encoding']).toBeUndefined();
    expect(raw.body.length).toBeGreaterThan(1024);
    const zipped = await app.inject({
      method: 'GET',
      url: big,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.rawPayload).toString()).toBe(raw.body);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('county detail: land use over time and headline changes', async () => {
    const r = await get('/api/analytics/county/01001');
    expect(r.status).toBe(200);
    expect(r.body.figures).toMatchObject({ fips: '01001', urban_expansion_acres: 600 });
    expect(r.body.title).toContain('Autauga');
    const lm = await get('/api/analytics/county/06037?scenario=LM');
    expect(lm.body.figures.urban_expansion_acres).toBe(100);
  });

  it('county detail: 404 for an unknown FIPS, 400 for a malformed one', async () => {
    const missing = await get('/api/analytics/county/99999');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found:county');
    const bad = await get('/api/analytics/county/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'bad_request:validation', field: 'params.fips' });
  });

  it('400 naming the field for wrong-typed or unknown-valued parameters', async () => {
    const cases: [string, string][] = [
      ['/api/analytics/map?level=planet', 'query.level'],
      ['/api/analytics/map?metric=happiness', 'query.metric'],
      ['/api/analytics/scenarios?year=soon', 'query.year'],
      ['/api/analytics/transitions?limit=0', 'query.limit'],
      ['/api/analytics/transitions?from_use=lava', 'query.from_use'],
      ['/api/analytics/overview?period=recently', 'query.period'],
    ];
    for (const [url, field] of cases) {
      const r = await get(url);
      expect(r.status, url).toBe(400);
      expect(r.body.error.field, url).toBe(field);
      expect(r.body.error.message, url).toContain(field);
      expectNoInternals(r.text);
    }
    const level = await get('/api/analytics/map?level=planet');
    expect(level.body.error.message).toContain('county, state');
  });

  it('400 listing the choices for an unknown scenario, state or county name', async () => {
    const scenario = await get('/api/analytics/overview?scenario=RCP99');
    expect(scenario.status).toBe(400);
    expect(scenario.body.error.code).toBe('bad_request:unknown_scenario');
    expect(scenario.body.error.message).toMatch(/OVERALL.*LM.*HM.*HL.*HH/);
    const state = await get('/api/analytics/map?states=Narnia');
    expect(state.status).toBe(400);
    expect(state.body.error.code).toBe('bad_request:unknown_state');
    expect(state.body.error.message).toContain('Narnia');
    const years = await get('/api/analytics/transitions?period=2090-2100');
    expect(years.status).toBe(400);
    expect(years.body.error.code).toBe('bad_request:bad_years');
    for (const r of [scenario, state, years]) expectNoInternals(r.text);
  });

  it('documents every route in the OpenAPI doc', async () => {
    const doc = await get('/docs/json');
    const paths = doc.body.paths;
    for (const path of [
      'overview',
      'scenarios',
      'transitions',
      'timeseries',
      'map',
      'county/{fips}',
    ]) {
      const op = paths[`/api/analytics/${path}`]?.get;
      expect(op?.tags, path).toEqual(['Analytics']);
      expect(op?.summary, path).toBeTruthy();
    }
    const metric = paths['/api/analytics/map']?.get?.parameters.find((p) => p.name === 'metric');
    expect(metric?.schema.enum).toContain('forest_change_pct');
  });
});

describe('analytics routes over demo data, and internal failures', () => {
  let service: AnalyticsService;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ service, cleanup } = await openHandMade());
  });
  afterAll(() => cleanup());

  it('labels demo data in the body and the notes', async () => {
    const ctx: AnalyticsContext = { ...service.ctx, dataset: 'demo' };
    const app = await appOver({ ...service, ctx, analytics: createAnalytics(ctx) });
    const overview = (await app.inject('/api/analytics/overview')).json<Body>();
    expect(overview.dataset).toBe('demo');
    expect(overview.notice).toMatch(/demo data/i);
    expect(overview.notes.join(' ')).toMatch(/demo data/i);
    const map = (await app.inject('/api/analytics/map?level=state')).json<Body>();
    expect(map.dataset).toBe('demo');
    expect(map.notice).toMatch(/demo data/i);
    await app.close();
  });

  it('an internal error is a 500 with the request id and nothing else', async () => {
    const failing = () =>
      Promise.reject(new Error('IO Error: /srv/secret/landuse.duckdb at x.ts:12'));
    const app = await appOver({
      ...service,
      analytics: { ...service.analytics, dataSummary: failing, scenarioComparison: failing },
    });
    for (const url of ['/api/analytics/overview', '/api/analytics/scenarios']) {
      const r = await app.inject(url);
      expect(r.statusCode).toBe(500);
      const body = r.json<Body>();
      expect(body.error.code).toBe('internal');
      expect(body.error.requestId).toBe(r.headers['x-request-id']);
      expect(r.body).not.toContain('secret');
      expectNoInternals(r.body);
    }
    await app.close();
  });
});
