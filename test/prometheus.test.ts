/**
 * The monitoring stack of deploy/, checked with the real tools of Debian's `prometheus` package:
 * promtool checks the configuration and the rules and runs their unit tests (every alert fires
 * and stays quiet on sample series); the rules' thresholds are the settings' defaults; then a
 * real Prometheus on a loopback port scrapes a running server, and every PromQL expression of the
 * Grafana dashboard and of the rules must return data after some traffic, naming only metrics
 * that exist. Without the tools this fails in CI (CI=true) and is skipped elsewhere, saying why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createCheckpointer } from '../src/agent/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { ALERT_NAMES, servedRoute } from '../src/observability/index.ts';
import { startServer, type RunningServer } from '../src/server/index.ts';
import { openHandMade, tempDir } from './helpers.ts';
import { startOpenAIServer } from './scripted/openai.ts';
import type { ScriptedServer } from './scripted/server.ts';

const DEPLOY = join(import.meta.dirname, '..', 'deploy');
const PROM = join(DEPLOY, 'prometheus');

function onPath(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}
const TOOLS = ['promtool', 'prometheus'].filter((t) => !onPath(t));
const CI = process.env.CI === 'true' || process.env.CI === '1';
const SKIP = TOOLS.length > 0 && !CI;
if (SKIP) {
  console.warn(
    `test/prometheus.test.ts: skipping the promtool and Prometheus checks: ${TOOLS.join(' and ')} not on PATH (install Debian's prometheus package; in CI this fails instead)`,
  );
}

/** Fails (in CI) when the tools are missing: a silent skip would pass a broken stack. */
function requireTools(): void {
  if (TOOLS.length > 0) {
    throw new Error(
      `${TOOLS.join(' and ')} not on PATH: install Debian's prometheus package (.ci/run does)`,
    );
  }
}

function promtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd: PROM, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
}
const rulesOf = (file: string): Rule[] =>
  (parse(readFileSync(join(PROM, file), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
    (g) => g.rules,
  );

interface Panel {
  type: string;
  title: string;
  description?: string;
  datasource?: { uid: string };
  targets?: { expr: string }[];
}
const dashboard = JSON.parse(
  readFileSync(join(DEPLOY, 'grafana', 'dashboards', 'landuse.json'), 'utf8'),
) as { uid: string; panels: Panel[] };

/** Every expression Prometheus must answer: the dashboard's, the recordings', the alerts'. */
function expressions(): { where: string; expr: string }[] {
  const fromDashboard = dashboard.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr })),
  );
  const fromRules = [...rulesOf('recording.yml'), ...rulesOf('alerts.yml')].map((r) => ({
    where: r.record ? `recording ${r.record}` : `alert ${r.alert}`,
    // An alert's comparisons as 0/1 (`> bool 5`): the expression has data whether or not it fires.
    expr: r.alert ? r.expr.replace(/(>=|<=|==|!=|>|<)\s*(?=[0-9])/g, '$1 bool ') : r.expr,
  }));
  return [...fromDashboard, ...fromRules];
}

/** The metric names an expression reads (ours, Node's, the process's, and recorded ones). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(?:landuse[_:][a-z0-9_:]*|process_[a-z0-9_]+|nodejs_[a-z0-9_]+)/g)]
    .map((m) => m[0])
    .filter((name, i, all) => all.indexOf(name) === i);
}

describe('the monitoring stack files', () => {
  it.skipIf(SKIP)('promtool finds the configuration and the rules valid', () => {
    requireTools();
    const config = promtool('check', 'config', 'prometheus.yml');
    expect(config.status, config.output).toBe(0);
    expect(config.output).toContain('SUCCESS: 2 rule files found');
    const rules = promtool('check', 'rules', 'recording.yml', 'alerts.yml');
    expect(rules.status, rules.output).toBe(0);
  });

  it.skipIf(SKIP)(
    'promtool test rules: each alert fires on bad series and not on good ones',
    () => {
      requireTools();
      const r = promtool('test', 'rules', 'alerts.test.yml');
      expect(r.status, r.output).toBe(0);
      expect(r.output).toContain('SUCCESS');
      // Every alert has a test that makes it fire.
      const tests = readFileSync(join(PROM, 'alerts.test.yml'), 'utf8');
      for (const name of ALERT_NAMES) {
        expect(tests).toMatch(
          new RegExp(`alertname: ${name}\\n\\s+exp_alerts:\\n\\s+- exp_labels`),
        );
      }
    },
  );

  it("mirrors the server's alerts at the settings' default thresholds", () => {
    const defaults = loadConfig({});
    const alerts = rulesOf('alerts.yml');
    expect(alerts.map((a) => a.alert).sort()).toEqual([...ALERT_NAMES].sort());
    const threshold = (name: string, metric: string) => {
      const expr = alerts.find((a) => a.alert === name)?.expr ?? '';
      const m = new RegExp(`${metric}(?:\\{[^}]*\\})?\\)?\\s*([<>]=?)\\s*([0-9.e+]+)`).exec(expr);
      return m ? [m[1], Number(m[2])] : undefined;
    };
    expect(
      threshold('LanduseHighResponseTime', 'landuse:http_request_duration_seconds:p95_5m'),
    ).toEqual(['>', defaults.alertP95Seconds]);
    expect(threshold('LanduseHighMemory', 'process_resident_memory_bytes')).toEqual([
      '>',
      defaults.alertMemoryBytes,
    ]);
    expect(threshold('LanduseHighErrorRate', 'landuse:http_server_errors:ratio_rate5m')).toEqual([
      '>',
      defaults.alertErrorRate,
    ]);
    expect(threshold('LanduseLowCacheHitRate', 'landuse:cache_hit_ratio:rate5m')).toEqual([
      '<',
      defaults.alertCacheHitRate,
    ]);
    expect(threshold('LandusePoolSaturated', 'landuse:pool_saturation:avg5m')).toEqual([
      '>',
      defaults.alertPoolSaturation,
    ]);
    for (const [name, metric] of [
      ['LanduseHighResponseTime', 'landuse:http_requests:increase5m'],
      ['LanduseHighErrorRate', 'landuse:http_requests:increase5m'],
      ['LanduseLowCacheHitRate', 'landuse:cache_lookups:increase5m'],
    ] as const) {
      expect(threshold(name, metric)).toEqual(['>=', defaults.alertMinRequests]);
    }
    // The window: 5 minutes, LANDUSE_ALERT_WINDOW's default.
    const recording = rulesOf('recording.yml');
    for (const r of recording) expect(r.expr).toMatch(/\[5m\]/);
    expect(defaults.alertWindowSeconds).toBe(300);
    // The same requests as the server's evaluator: the served API routes.
    const served = recording.find((r) => r.record === 'landuse:http_requests:increase5m')!.expr;
    const keep = new RegExp(`^(?:${/route=~"([^"]+)"/.exec(served)![1]})$`);
    const drop = new RegExp(`^(?:${/route!~"([^"]+)"/.exec(served)![1]})$`);
    for (const route of [
      '/api/ask',
      '/api/chat',
      '/api/sql',
      '/api/threads/:id',
      '/api/analytics/map',
      '/api/export',
      '/api/alerts',
      '/api/metrics/history',
      '/metrics',
      '/health',
      '/',
      'unmatched',
    ]) {
      expect(keep.test(route) && !drop.test(route), route).toBe(servedRoute(route));
    }
  });

  it('provisions the dashboard and data source Grafana reads, every panel described', () => {
    const datasources = parse(
      readFileSync(
        join(DEPLOY, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'),
        'utf8',
      ),
    ) as { datasources: { uid: string; url: string }[] };
    const uid = datasources.datasources[0]?.uid;
    expect(datasources.datasources[0]?.url).toBe('http://prometheus:9090');
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThanOrEqual(20);
    for (const p of panels) {
      expect(p.description?.length, p.title).toBeGreaterThan(40);
      expect(p.datasource?.uid, p.title).toBe(uid);
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
    // The panels the operations section of the README walks through.
    for (const title of [
      'Response time (API)',
      'Throughput by route',
      'Error rate (API)',
      'Cache hit rate by level',
      'Memory',
      'Agent pool',
      'Database connections',
      'Tokens by model',
      'Alerts firing (server)',
    ]) {
      expect(panels.map((p) => p.title)).toContain(title);
    }
    const provider = parse(
      readFileSync(join(DEPLOY, 'grafana', 'provisioning', 'dashboards', 'landuse.yml'), 'utf8'),
    ) as { providers: { options: { path: string } }[] };
    const compose = parse(readFileSync(join(DEPLOY, 'docker-compose.yml'), 'utf8'), {
      merge: true,
    }) as {
      services: Record<string, { volumes?: string[]; build?: { dockerfile: string } }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual([
      'app1',
      'app2',
      'grafana',
      'nginx',
      'prometheus',
      'redis',
    ]);
    expect(compose.services.grafana?.volumes).toContain(
      `./grafana/dashboards:${provider.providers[0]?.options.path}:ro`,
    );
    expect(compose.services.prometheus?.volumes).toContain('./prometheus:/etc/prometheus:ro');
    expect(compose.services.app1?.build?.dockerfile).toBe('deploy/Dockerfile');
    // Both instances share the data volume and the image; nginx reads deploy/nginx.conf.
    expect(compose.services.app2?.build?.dockerfile).toBe('deploy/Dockerfile');
    expect(compose.services.app2?.volumes).toEqual(compose.services.app1?.volumes);
    expect(compose.services.nginx?.volumes).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro');
    const dockerfile = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [^\n]*\\\n[^\n]*\/ready/m);
  });
});

describe.skipIf(SKIP)('a real Prometheus scraping a running server', () => {
  let server: RunningServer | undefined;
  let model: ScriptedServer | undefined;
  let prometheus: ChildProcess | undefined;
  let promUrl = '';
  let prometheusLog = '';
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    requireTools();
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const hand = await openHandMade({ cache: true, poolSize: 2 });
    cleanups.push(hand.cleanup);
    // The LLM answers, retries once, then fails over to the offline planner: tokens, retries
    // and fallbacks all have series.
    model = await startOpenAIServer([
      { tool: 'compare_states', args: { metric: 'urban_expansion' } },
      { text: 'Alabama leads.' },
      { status: 500 },
      { tool: 'compare_states', args: { metric: 'urban_expansion' } },
      { text: 'Alabama leads.' },
      { status: 503 },
      { status: 503 },
      { status: 503 },
    ]);
    const checkpointer = createCheckpointer({ kind: 'memory' });
    cleanups.push(() => checkpointer.close());
    server = await startServer(
      loadConfig({
        LANDUSE_DB_PATH: hand.db,
        LANDUSE_HOST: '127.0.0.1',
        LANDUSE_PORT: '0',
        LANDUSE_PROVIDER: 'openai-compatible',
        LANDUSE_BASE_URL: model.url,
        LANDUSE_MODEL: 'scripted-model',
        LANDUSE_METRICS_INTERVAL: '1',
      }),
      { logger: false, service: hand.service, checkpointer },
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    const config = join(t.dir, 'prometheus.yml');
    await writeFile(
      config,
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: ['${join(PROM, 'recording.yml')}', '${join(PROM, 'alerts.yml')}']`,
        'scrape_configs:',
        '  - job_name: landuse',
        `    static_configs: [{ targets: ['${server.url.replace('http://', '')}'] }]`,
        '',
      ].join('\n'),
    );
    await mkdir(join(t.dir, 'tsdb'));
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(t.dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (d: Buffer) => (prometheusLog += d.toString()));
    prometheus.stderr?.on('data', (d: Buffer) => (prometheusLog += d.toString()));
    await until('Prometheus to be ready', async () => {
      if (prometheus?.exitCode !== null) throw new Error(`Prometheus exited:\n${prometheusLog}`);
      return (await fetch(`${promUrl}/-/ready`).catch(() => undefined))?.ok === true;
    });
    await traffic(server.url);
  }, 120_000);

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    await server?.close();
    await model?.close();
    for (const c of cleanups.reverse()) await c();
  });

  it('answers every expression of the dashboard and the rules with data', async () => {
    const all = expressions();
    expect(all.length).toBeGreaterThan(30);
    let empty: string[] = [];
    // Scrapes every second and rules evaluated every second: give them a few rounds.
    await until(
      'every expression to return data',
      async () => {
        empty = [];
        for (const { where, expr } of all) {
          const r = await query(promUrl, expr);
          if (r.status !== 'success') throw new Error(`${where}: ${r.error ?? r.status}\n${expr}`);
          if (r.data.result.length === 0) empty.push(`${where}: ${expr}`);
        }
        return empty.length === 0;
      },
      45_000,
    ).catch(() => undefined);
    expect(empty, 'expressions without data').toEqual([]);
    // ...and no expression names a metric that does not exist (an `or vector(0)` would hide it).
    const res = await fetch(`${promUrl}/api/v1/label/__name__/values`);
    const names = new Set(((await res.json()) as { data: string[] }).data);
    const unknown = all.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((n) => !names.has(n))
        .map((n) => `${where}: ${n}`),
    );
    expect(unknown).toEqual([]);
    expect(prometheusLog).not.toMatch(/level=error/);
  }, 90_000);

  it('computes the figures the server computed', async () => {
    const up = await query(promUrl, 'up{job="landuse"}');
    expect(up.data.result[0]?.value[1]).toBe('1');
    const value = async (expr: string) =>
      Number((await query(promUrl, expr)).data.result[0]?.value[1]);
    expect(await value('sum(landuse_model_fallbacks_total)')).toBe(1);
    expect(await value('sum(landuse_model_retries_total)')).toBe(3);
    expect(await value('sum(landuse_sql_guard_refusals_total{reason="table_function"})')).toBe(1);
    expect(
      await value('sum(landuse_gen_ai_client_token_usage_sum{gen_ai_token_type="input"})'),
    ).toBe(4 * 120);
  });
});

/** Questions (offline and through the scripted LLM), SQL, a stream, an export, a 404. */
async function traffic(base: string): Promise<void> {
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, text: await r.text() }));
  const statuses: number[] = [];
  for (const question of [
    'How much forest is in Alabama?',
    'How much forest is in Alabama?',
    'How much cropland is in California?',
  ]) {
    statuses.push((await post('/api/ask', { question, provider: 'offline' })).status);
  }
  for (const question of [
    'Which states have the most urban expansion?',
    'Which states gained the most urban land?',
    'Which states have the most new urban land?',
  ]) {
    statuses.push((await post('/api/ask', { question })).status);
  }
  statuses.push(
    (await post('/api/chat', { question: 'How much forest is in Texas?', provider: 'offline' }))
      .status,
  );
  statuses.push((await post('/api/sql', { sql: 'SELECT count(*) FROM dim_geography' })).status);
  statuses.push((await post('/api/sql', { sql: "SELECT * FROM read_csv('/etc/passwd')" })).status);
  statuses.push(
    (
      await fetch(`${base}/api/export?format=csv&states=AL`).then((r) =>
        r.arrayBuffer().then(() => r),
      )
    ).status,
  );
  statuses.push((await fetch(`${base}/api/analytics/overview`)).status);
  statuses.push((await fetch(`${base}/api/nothing-here`)).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 400, 200, 200, 404]);
}

interface QueryResult {
  status: string;
  error?: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function query(base: string, expr: string): Promise<QueryResult> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await res.json()) as QueryResult;
}

async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(250);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
