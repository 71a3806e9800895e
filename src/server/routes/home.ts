import type { ServerDeps } from '../deps.ts';
import type { ZodApp } from '../types.ts';

/** GET /: what this server is and where to go (the API docs, health), with the demo notice. */
export function homeRoutes(app: ZodApp, deps: ServerDeps): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const demo = deps.service.ctx.dataset === 'demo';
    return reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>RPA Land Use Analytics</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1d2a1f}
code,pre{background:#eef3ee;padding:.1rem .3rem;border-radius:4px}pre{padding:.8rem;overflow:auto}
.demo{background:#fff4d6;border:1px solid #e0b84c;padding:.6rem .8rem;border-radius:6px}</style></head>
<body><h1>RPA Land Use Analytics</h1>
${demo ? '<p class="demo"><strong>DEMO DATA.</strong> This server holds generated demo data shaped like the USDA Forest Service 2020 RPA Assessment projections, not the real figures. Load the real file with <code>landuse load --input FILE</code>.</p>' : '<p>USDA Forest Service 2020 RPA Assessment land use projections.</p>'}
<p>Ask questions about America's land use future (2012-2070, 3,075 counties, five scenarios).</p>
<ul><li><a href="/docs">API reference and console</a> (OpenAPI)</li>
<li><a href="/health">Health</a> and <a href="/metrics">metrics</a></li></ul>
<pre>curl -s localhost:${deps.config.port}/api/ask -H 'content-type: application/json' \\
  -d '{"question":"Which states have the most urban expansion?"}'</pre>
</body></html>`);
  });
  return Promise.resolve();
}
