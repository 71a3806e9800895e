import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerDeps } from '../src/server/index.ts';
import { webRoutes } from '../src/server/routes/web.ts';
import type { ZodApp } from '../src/server/types.ts';
import { tempDir } from './helpers.ts';
import { openTestApp } from './server-helpers.ts';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

describe('the web app at / (routes/web.ts over a built dist folder)', () => {
  let app: FastifyInstance;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await tempDir();
    cleanup = t.cleanup;
    await mkdir(join(t.dir, 'assets'));
    await writeFile(join(t.dir, 'index.html'), INDEX);
    await writeFile(join(t.dir, 'assets', 'app-1a2b3c.js'), SCRIPT);
    await writeFile(join(t.dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = Fastify();
    app.setNotFoundHandler((_request, reply) =>
      reply.code(404).send({ error: { code: 'not_found:route' } }),
    );
    await app.register((scope) => webRoutes(scope as unknown as ZodApp, {} as ServerDeps, t.dir));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  it('serves index.html at / revalidated every time, with the page policy', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache, must-revalidate');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.body).toBe(INDEX);
  });

  it('serves hashed assets cached for a year, compressed when asked, with an etag', async () => {
    const plain = await app.inject({ url: '/assets/app-1a2b3c.js' });
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-type']).toMatch(/^text\/javascript/);
    expect(plain.body).toBe(SCRIPT);
    const gz = await app.inject({
      url: '/assets/app-1a2b3c.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(SCRIPT);
    expect(gz.rawPayload.length).toBeLessThan(SCRIPT.length / 10);
    const br = await app.inject({
      url: '/assets/app-1a2b3c.js',
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(br.headers['content-encoding']).toBe('br');
    const again = await app.inject({
      url: '/assets/app-1a2b3c.js',
      headers: { 'if-none-match': String(plain.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it('answers the app pages with the page and leaves every other path to the 404', async () => {
    for (const url of ['/analytics', '/explorer?sql=select%201', '/about', '/?thread=abc']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(INDEX);
    }
    expect((await app.inject({ url: '/favicon.svg' })).headers['content-type']).toBe(
      'image/svg+xml',
    );
    for (const url of [
      '/api/nothing',
      '/api',
      '/docs/nothing',
      '/metrics/x',
      '/assets/old-chunk.js',
      '/missing.png',
      '/no-such-page',
      '/index.html',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: 'not_found:route' } });
    }
  });

  it('says how to build the app when web/dist is missing', async () => {
    const bare = Fastify();
    await bare.register((scope) =>
      webRoutes(scope as unknown as ZodApp, {} as ServerDeps, '/nonexistent/dist'),
    );
    const res = await bare.inject({ url: '/analytics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build:web');
    await bare.close();
  });
});

describe('the web app inside the real server', () => {
  it('keeps the API, docs and health routes their own', async () => {
    const t = await openTestApp();
    try {
      const page = await t.app.inject({ url: '/performance' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      const api = await t.app.inject({ url: '/api/nothing' });
      expect(api.statusCode).toBe(404);
      expect(api.json()).toMatchObject({ error: { code: 'not_found:route' } });
      expect((await t.app.inject({ url: '/health' })).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/docs/json' })).json()).toHaveProperty('openapi');
      // An over-long path segment under /api is still the router's 414, not the web app's.
      const long = await t.app.inject({ url: `/api/threads/${'a'.repeat(600)}` });
      expect(long.statusCode).toBe(414);
    } finally {
      await t.close();
    }
  });
});
