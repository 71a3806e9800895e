/**
 * Builds the web app into web/dist when it is missing or older than its sources (run by
 * `npm install` through `prepare`, and by `npm start`). Vite is a dev dependency: on an install
 * without it, this says so and leaves the server to serve its "not built" page.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { build as ViteBuild } from 'vite';

const webDir = import.meta.dirname;
const stamp = join(webDir, 'dist', '.built');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => join(webDir, p));
const sourceTime = Math.max(...sources.filter((p) => existsSync(p)).map(newest));
const builtTime = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;

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
  writeFileSync(stamp, new Date().toISOString() + '\n');
  console.log(`web app: built web/dist in ${Math.round(performance.now() - started)} ms`);
}
