/**
 * GET /api/export over the hand-made fixture: file contents and headers, refusals before any
 * byte, the export limiter's backpressure, and its slot freed exactly once however a download
 * ends (finished, failed mid-stream, or cut off by the client on a real socket).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpointer } from '../src/agent/index.ts';
import { createAnalytics, type AnalyticsContext } from '../src/analytics/index.ts';
import { exportStream, type ExportFile } from '../src/analytics/export/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { buildApp } from '../src/server/app.ts';
import { openServerDeps, type ServerDeps } from '../src/server/deps.ts';
import { toHttpError } from '../src/server/errors.ts';
import { exportRoutes } from '../src/server/routes/export.ts';
import { openTestApp, type Body, type Row } from './server-helpers.ts';

// Autauga AL (01001) under LM, 2020-2030, from test/fixtures/hand-made.json.
const AL_LM_2020 = [
  'crop,crop,900',
  'crop,urban,100',
  'pasture,pasture,800',
  'pasture,urban,100',
  'rangeland,rangeland,500',
  'forest,forest,1900',
  'forest,urban,200',
  'urban,urban,700',
];

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('GET /api/export', () => {
  let app: FastifyInstance;
  let deps: ServerDeps;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ app, deps, close } = await openTestApp({ LANDUSE_MAX_EXPORTS: '1' }));
  });
  afterAll(() => close());

  it('streams a CSV with its headers and the hand-worked rows', async () => {
    const r = await app.inject(
      '/api/export?format=csv&states=AL&scenarios=LM&year_range=2020-2030',
    );
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    expect(r.headers['content-disposition']).toBe(
      'attachment; filename="rpa-landuse_county_LM_2020-2030_AL.csv"',
    );
    expect(r.headers['x-data-notice']).toBeUndefined();
    const lines = r.body.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^scenario,.*,fips,.*from_land_use,to_land_use,acres/);
    expect(lines).toHaveLength(1 + AL_LM_2020.length);
    const header = lines[0]!.split(',');
    const at = (name: string) => header.indexOf(name);
    const triples = lines.slice(1).map((line) => {
      const cells = line.split(',');
      expect(cells[at('fips')]).toBe('01001');
      expect(cells[at('scenario')]).toBe('LM');
      return [cells[at('from_land_use')], cells[at('to_land_use')], cells[at('acres')]].join(',');
    });
    expect(triples).toEqual(AL_LM_2020);
    expect(deps.exports.stats().active).toBe(0);
  });

  it('sums counties per state, and writes JSON and NDJSON', async () => {
    // The older parameter names (periods, land_uses) are still accepted.
    const json = await app.inject(
      '/api/export?format=json&level=state&scenarios=HH&periods=2020-2030&land_uses=urban',
    );
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    const body = json.json<Body>();
    const rows = body.rows;
    const intoUrban = (state: string) =>
      rows
        .filter(
          (x) =>
            x.state_abbrev === state && x.to_land_use === 'urban' && x.from_land_use !== 'urban',
        )
        .reduce((s, x) => s + Number(x.acres), 0);
    expect([intoUrban('AL'), intoUrban('CA')]).toEqual([800, 200]);
    const nd = await app.inject(
      '/api/export?format=ndjson&states=CA&scenarios=HH&year_range=2020-2030',
    );
    expect(nd.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const records = nd.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    expect(
      records.some(
        (x) => x.from_land_use === 'rangeland' && x.to_land_use === 'urban' && x.acres === 200,
      ),
    ).toBe(true);
  });

  it('refuses a bad format, level, state or period with 400 before any byte', async () => {
    const cases: [string, string][] = [
      ['/api/export?format=docx', 'query.format'],
      ['/api/export', 'query.format'],
      ['/api/export?format=csv&level=planet', 'query.level'],
    ];
    for (const [url, field] of cases) {
      const r = await app.inject(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.headers['content-type'], url).toMatch(/^application\/json/);
      expect(r.headers['content-disposition'], url).toBeUndefined();
      expect(r.json<Body>().error.field, url).toBe(field);
    }
    const state = await app.inject('/api/export?format=csv&states=Narnia');
    expect(state.statusCode).toBe(400);
    expect(state.json<Body>().error.code).toBe('bad_request:unknown_state');
    const period = await app.inject('/api/export?format=csv&year_range=2025-2040');
    expect(period.statusCode).toBe(400);
    expect(period.json<Body>().error.message).toContain('2020-2030');
    expect(state.body).not.toMatch(/\n\s+at |\.ts:\d+/);
    expect(deps.exports.stats().active).toBe(0);
  });

  it('answers 503 with Retry-After when every export slot is taken', async () => {
    await deps.exports.acquire();
    try {
      const r = await app.inject('/api/export?format=csv');
      expect(r.statusCode).toBe(503);
      expect(r.headers['retry-after']).toBeDefined();
      expect(r.json<Body>().error.code).toBe('busy:export');
    } finally {
      deps.exports.release();
    }
    const after = await app.inject('/api/export?format=csv');
    expect(after.statusCode).toBe(200);
  });

  it('labels demo data in the header and the file name', async () => {
    const ctx: AnalyticsContext = { ...deps.service.ctx, dataset: 'demo' };
    const config = loadConfig({ LANDUSE_API_RATE_LIMIT: '0', LANDUSE_API_DAILY_QUOTA: '0' });
    const demoDeps = await openServerDeps(config, {
      service: { ...deps.service, ctx, analytics: createAnalytics(ctx) },
      checkpointer: createCheckpointer({ kind: 'memory' }),
    });
    const demo = await buildApp(demoDeps, { logger: false });
    const r = await demo.inject('/api/export?format=csv&states=CA');
    expect(r.statusCode).toBe(200);
    expect(r.headers['x-data-notice']).toMatch(/demo data/i);
    expect(r.headers['content-disposition']).toMatch(/-DEMO-DATA\.csv"$/);
    await demo.close();
  });
});

describe('the export slot is freed exactly once', () => {
  let deps: ServerDeps;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ deps, close } = await openTestApp({ LANDUSE_MAX_EXPORTS: '1' }));
  });
  afterAll(() => close());

  /** The export route alone on a bare app, with the body the test chooses. */
  async function routeWith(
    body: (finished: () => void) => AsyncIterable<string>,
    idleTimeoutMs?: number,
  ) {
    let finished = 0;
    const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler((error, request, reply) => {
      const e = toHttpError(error, request.id);
      void reply.code(e.status).headers(e.headers).send(e.body);
    });
    await exportRoutes(app, deps, {
      exportStream: async (service, input): Promise<ExportFile> => {
        const real = await exportStream(service, input);
        return { ...real, body: body(() => finished++) };
      },
      ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
    });
    return { app, finished: () => finished };
  }

  it('when the client disconnects mid-download (a real socket)', async () => {
    const { app, finished } = await routeWith(async function* (done) {
      try {
        for (let i = 0; ; i++) {
          yield `row ${i},${'x'.repeat(1000)}\n`;
          await new Promise((r) => setTimeout(r, 5));
        }
      } finally {
        done();
      }
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const before = deps.exports.stats().completed;
    try {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(`http://127.0.0.1:${port}/api/export?format=csv`, (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => {
            expect(deps.exports.stats().active).toBe(1);
            req.destroy();
            resolve();
          });
        });
        req.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code !== 'ECONNRESET') reject(e);
        });
      });
      await until(() => deps.exports.stats().active === 0 && finished() === 1);
      // Give a second release (if there were one) time to show.
      await new Promise((r) => setTimeout(r, 50));
      expect(deps.exports.stats()).toMatchObject({ active: 0, completed: before + 1 });
      expect(finished()).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('when the client stops reading: the stalled download is cut after the idle time', async () => {
    const { app, finished } = await routeWith(async function* (done) {
      try {
        for (let i = 0; ; i++) {
          yield `row ${i},${'x'.repeat(10_000)}\n`;
          await Promise.resolve();
        }
      } finally {
        done();
      }
    }, 300);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const before = deps.exports.stats().completed;
    const socket = net.connect(port, '127.0.0.1');
    try {
      socket.write(`GET /api/export?format=csv HTTP/1.1\r\nHost: x\r\n\r\n`);
      // Read one chunk, then stop reading: the server's buffers fill and its writes stall.
      await new Promise((r) => socket.once('data', r));
      socket.pause();
      expect(deps.exports.stats().active).toBe(1);
      // The server cuts the connection after 300 ms without progress, freeing the slot.
      await until(() => deps.exports.stats().active === 0 && finished() === 1);
      expect(deps.exports.stats().completed).toBe(before + 1);
    } finally {
      socket.destroy();
      await app.close();
    }
  });

  it('when the body fails mid-stream, and after a normal download', async () => {
    const { app, finished } = await routeWith(async function* (done) {
      try {
        yield 'a,b\n';
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('disk on fire');
      } finally {
        done();
      }
    });
    const before = deps.exports.stats().completed;
    await app.inject('/api/export?format=csv').catch(() => undefined);
    await until(() => deps.exports.stats().active === 0);
    expect(deps.exports.stats().completed).toBe(before + 1);
    expect(finished()).toBe(1);
    await app.close();

    const ok = await routeWith(async function* (done) {
      await new Promise((r) => setTimeout(r, 1));
      yield 'a,b\n';
      done();
    });
    const r = await ok.app.inject('/api/export?format=csv');
    expect(r.body).toBe('a,b\n');
    await until(() => deps.exports.stats().active === 0);
    expect(deps.exports.stats().completed).toBe(before + 2);
    await ok.app.close();
  });

  it('is not taken when the filters are refused', async () => {
    const { app } = await routeWith(() => {
      throw new Error('the body is never made for refused filters');
    });
    const before = deps.exports.stats();
    const r = await app.inject('/api/export?format=csv&scenarios=RCP99');
    expect(r.statusCode).toBe(400);
    expect(deps.exports.stats()).toMatchObject({ active: 0, completed: before.completed });
    await app.close();
  });
});
