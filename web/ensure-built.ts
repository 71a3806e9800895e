/**
 * Builds the web app into web/dist when it is missing or older than its sources (run by
 * `npm install` through `prepare`, and by `npm start`). Vite is a dev dependency: on an install
 * without it, this says so and leaves the server to serve its "not built" page.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { build as ViteBuild } from 'vite';
import { COMPRESSIBLE } from '../src/server/routes/web.ts';

const webDir = import.meta.dirname;
const stamp = join(webDir, 'dist', '.built');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => join(webDir, p));
const sourceTime = Math.max(...sources.filter((p) => existsSync(p)).map(newest));
/** The stamp's first line: a build without it (an older layout of web/dist) is built again. */
const LAYOUT = 'precompressed-v1';
const builtTime =
  existsSync(stamp) && readFileSync(stamp, 'utf8').startsWith(LAYOUT) ? statSync(stamp).mtimeMs : 0;

/**
 * Writes FILE.br and FILE.gz (best compression) beside every compressible built file over 1 KB,
 * once here rather than in every server process at start (seconds of CPU each time).
 */
function precompress(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) n += precompress(path);
    else if (COMPRESSIBLE.has(extname(name))) {
      const body = readFileSync(path);
      if (body.length <= 1024) continue;
      writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
      writeFileSync(
        `${path}.br`,
        brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
      );
      n++;
    }
  }
  return n;
}

if (builtTime >= sourceTime && !process.argv.includes('--force')) {
  console.log('web app: web/dist is up to date');
} else {
  let build: typeof ViteBuild;
  try {
    createRequire(import.meta.url).resolve('vite');
    ({ build } = await import('vite'));
  } catch {
    console.warn('web app: vite is not installed (production install?); web/dist was not built');
    process.exit(0);
  }
  const started = performance.now();
  await build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn' });
  const compressed = precompress(join(webDir, 'dist'));
  writeFileSync(stamp, `${LAYOUT} ${new Date().toISOString()}\n`);
  console.log(
    `web app: built web/dist in ${Math.round(performance.now() - started)} ms (${compressed} files precompressed)`,
  );
}
