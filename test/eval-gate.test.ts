/**
 * The planner's quality gate on the full-size demo database: the development set (tool-checked)
 * and the held-out set (value-checked against independently written SQL) each stay at or above
 * 90 %. The held-out set is only measured here and by hand, never tuned on (eval/README.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateSet, parseEvalSet } from '../src/agent/eval.ts';
import { unstatedFigures } from '../src/agent/eval-match.ts';
import { valueScoringDeps } from '../src/agent/eval-values.ts';
import { openAnalytics, type AnalyticsService } from '../src/analytics/open.ts';
import { loadConfig } from '../src/config/index.ts';
import { writeDemoFile } from '../src/data/demo/write.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { quietEffects, tempDir } from './helpers.ts';

const set = (name: string) =>
  parseEvalSet(readFileSync(new URL(`../eval/${name}`, import.meta.url), 'utf8'), name);

describe('the planner on the full-size demo database', () => {
  let service: AnalyticsService;
  let cleanup: () => Promise<void>;
  let db: string;
  beforeAll(async () => {
    const t = await tempDir();
    cleanup = t.cleanup;
    const raw = join(t.dir, 'demo.json');
    db = join(t.dir, 'landuse.duckdb');
    await writeDemoFile(raw, { seed: 42 });
    await runLoad({ input: raw, db, dataset: 'demo' }, quietEffects);
    service = await openAnalytics(loadConfig({ LANDUSE_DB_PATH: db }), { cache: false });
  }, 300_000);
  afterAll(async () => {
    await service?.close();
    await cleanup?.();
  });

  it('answers at least 90 % of the development set', async () => {
    const report = await evaluateSet(set('dev-questions.jsonl'), undefined);
    expect(report.score).toBeGreaterThanOrEqual(0.9);
  });

  it('answers at least 90 % of the held-out set, checked by value', async () => {
    const deps = valueScoringDeps(service, loadConfig({ LANDUSE_DB_PATH: db }), () => {});
    const report = await evaluateSet(set('heldout-questions.jsonl'), deps);
    expect(report.total).toBeGreaterThanOrEqual(200);
    expect(report.score).toBeGreaterThanOrEqual(0.9);
  }, 300_000);

  it('states in every narrative only figures its tables hold (the training sets)', async () => {
    const deps = valueScoringDeps(service, loadConfig({ LANDUSE_DB_PATH: db }));
    const questions = ['dev', 'train', 'train2'].flatMap((name) => {
      const lines = set(`${name}-questions.jsonl`);
      return [...lines.tool, ...lines.value].map((q) => q.question);
    });
    const unstated: string[] = [];
    for (const question of questions) {
      const answer = await deps.ask(question);
      const missing = unstatedFigures(answer);
      if (missing.length > 0) {
        unstated.push(`${question}: ${missing.map((n) => n.value).join(', ')}`);
      }
    }
    expect(questions.length).toBeGreaterThan(300);
    expect(unstated).toEqual([]);
  }, 300_000);
});
