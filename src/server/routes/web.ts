import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../deps.ts';
import type { ZodApp } from '../types.ts';

/** Where `vite build` writes the web app (web/vite.config.ts). */
export const WEB_DIST = join(import.meta.dirname, '..', '..', '..', 'web', 'dist');

/**
 * The app's pages (web/src/App.tsx): each answers with index.html, whatever its query string.
 * Only these and the built files are routed here, never a catch-all: the API's routing (its 404s,
 * its 414 for an over-long path segment) stays exactly as it is.
 */
export const APP_PAGES = ['/', '/analytics', '/explorer', '/export', '/performance', '/about'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The page's own policy: helmet's default plus what the app needs (blob: workers and images
 * for CodeMirror and downloads), without `upgrade-insecure-requests`, which would send a
 * plain-HTTP server's own scripts to https.
 */
const APP_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "frame-ancestors 'self'",
  "form-action 'self'",
].join(';');

interface StaticFile {
  body: Buffer;
  gzip?: Buffer;
  brotli?: Buffer;
  type: string;
  etag: string;
  /** Content-hashed names (under assets/) never change: cached for a year. */
  immutable: boolean;
}

const read = (path: string) => (existsSync(path) ? readFileSync(path) : undefined);

/** Kinds worth compressing (images other than SVG already are); web/ensure-built.ts uses it too. */
export const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.css',
  '.json',
  '.svg',
  '.txt',
  '.webmanifest',
]);

/** The built files of each dist folder, by the time of its build stamp: read once per process. */
const loaded = new Map<string, { stamp: number; files: Map<string, StaticFile> }>();

/**
 * Every file of the built app (a few MB at most), with the FILE.br and FILE.gz that
 * web/ensure-built.ts wrote beside it at build time (best compression, once); a compressible file
 * without them (a dist built otherwise) is compressed here with fast settings.
 */
function loadDist(dir: string): Map<string, StaticFile> {
  const stampPath = join(dir, '.built');
  const stamp = existsSync(stampPath) ? statSync(stampPath).mtimeMs : 0;
  const cached = loaded.get(dir);
  if (cached?.stamp === stamp) return cached.files;
  const files = new Map<string, StaticFile>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name.startsWith('.') || name.endsWith('.br') || name.endsWith('.gz')) continue;
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const url = '/' + relative(dir, path).split(sep).join('/');
        const ext = extname(name);
        const body = readFileSync(path);
        const compress = COMPRESSIBLE.has(ext) && body.length > 1024;
        const gzip = compress ? (read(`${path}.gz`) ?? gzipSync(body)) : undefined;
        const brotli = compress
          ? (read(`${path}.br`) ??
            brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } }))
          : undefined;
        files.set(url, {
          body,
          ...(gzip ? { gzip } : {}),
          ...(brotli ? { brotli } : {}),
          type: TYPES[ext] ?? 'application/octet-stream',
          etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
          immutable: url.startsWith('/assets/'),
        });
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  loaded.set(dir, { stamp, files });
  return files;
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile): FastifyReply {
  void reply
    .type(file.type)
    .header('etag', file.etag)
    .header('vary', 'accept-encoding')
    .header(
      'cache-control',
      file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache, must-revalidate',
    );
  if (file.type.startsWith('text/html')) void reply.header('content-security-policy', APP_CSP);
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const accept = String(request.headers['accept-encoding'] ?? '');
  // Already compressed here: @fastify/compress leaves a body with a content-encoding alone.
  if (file.brotli && /\bbr\b/.test(accept))
    return reply.header('content-encoding', 'br').send(file.brotli);
  if (file.gzip && /\bgzip\b/.test(accept))
    return reply.header('content-encoding', 'gzip').send(file.gzip);
  return reply.send(file.body);
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>RPA Land Use Analytics</title></head>
<body><h1>RPA Land Use Analytics</h1><p>The web app is not built. Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it) and reload.
The API works meanwhile: <a href="/docs">/docs</a>.</p></body></html>`;

/**
 * The web app (web/, built by Vite into web/dist) at `/`: its pages answered with index.html
 * (revalidated every time), hashed assets under /assets/ cached for a year, the other built
 * files (favicon) by name.
 */
export function webRoutes(app: ZodApp, _deps: ServerDeps, dist: string = WEB_DIST): Promise<void> {
  const files = loadDist(dist);
  const index = files.get('/index.html');
  const page = (request: FastifyRequest, reply: FastifyReply) => {
    if (index) return send(request, reply, index);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(NOT_BUILT);
  };
  for (const url of APP_PAGES) app.get(url, { schema: { hide: true } }, page);
  for (const [url, file] of files) {
    if (!url.startsWith('/assets/') && url !== '/index.html') {
      app.get(url, { schema: { hide: true } }, (request, reply) => send(request, reply, file));
    }
  }
  app.get('/assets/*', { schema: { hide: true } }, (request, reply) => {
    const file = files.get(request.url.split('?')[0] ?? '');
    // A missing asset is a 404, not the page: a stale tab asking for an old chunk must see it.
    return file ? send(request, reply, file) : reply.callNotFound();
  });
  return Promise.resolve();
}
