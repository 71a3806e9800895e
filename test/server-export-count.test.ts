import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp } from './server-helpers.ts';

describe('GET /api/export/count', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts the rows the export writes for the same filters, at both levels', async () => {
    for (const q of [
      '',
      'level=state',
      'scenarios=OVERALL&land_use=urban',
      'level=state&year_range=2020-2030',
    ]) {
      const count = await t.app.inject({ url: `/api/export/count?${q}` });
      expect(count.statusCode, q).toBe(200);
      const csv = await t.app.inject({ url: `/api/export?format=csv&${q}` });
      expect(csv.statusCode, q).toBe(200);
      const lines = csv.body.split(/\r?\n/).filter(Boolean).length - 1;
      expect(count.json<{ rows: number }>().rows, q).toBe(lines);
      expect(lines, q).toBeGreaterThan(0);
    }
  });

  it('refuses a bad filter the way the export does', async () => {
    const r = await t.app.inject({ url: '/api/export/count?states=Atlantis' });
    expect(r.statusCode).toBe(400);
    expect(r.json<{ error: { code: string } }>().error.code).toMatch(/^bad_request:/);
  });
});
