import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAND_USE_CODES, PATHWAYS, RPA_REGIONS, RUN_NAMES } from '../src/domain/index.ts';
import { summarizeDemo, type DemoSummary } from '../src/data/demo/calibration.ts';
import { generateDemo, type DemoDataset } from '../src/data/demo/model.ts';
import { formatThousandths, writeDemoFile } from '../src/data/demo/write.ts';

const M = 1e6;
const U = LAND_USE_CODES.length;

// DATA.md's published ranges (2020-2070, acres), checked with a 10 % margin on each end.
const REGION_RANGES: Record<string, [number, number]> = {
  South: [18.4 * M, 25.0 * M],
  North: [10.6 * M, 14.0 * M],
  'Rocky Mountain': [6.4 * M, 8.9 * M],
  'Pacific Coast': [5.9 * M, 9.9 * M],
};
const URBAN_RANGES: Record<string, [number, number]> = {
  HL: [38 * M, 44 * M],
  LM: [43 * M, 51 * M],
  HM: [47 * M, 55 * M],
  HH: [54 * M, 60 * M],
};

/** Bitwise equality of two float arrays (vitest's deep equality is far too slow for millions). */
const same = (a: Float64Array, b: Float64Array): boolean =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );

let ds: DemoDataset;
let summary: DemoSummary;

beforeAll(() => {
  ds = generateDemo();
  summary = summarizeDemo(ds);
});

const figures = (code: string) => {
  const f = summary.scenarios.find((s) => s.scenario === code);
  if (!f) throw new Error(`no figures for ${code}`);
  return f;
};

describe('demo data calibration (2020-2070, every pathway)', () => {
  it('has the shape of the raw file', () => {
    expect(ds.counties).toHaveLength(3108);
    expect(ds.runs).toEqual([...RUN_NAMES]);
    expect(ds.periods.map((p) => p.label)).toEqual([
      '2012-2020',
      '2020-2030',
      '2030-2040',
      '2040-2050',
      '2050-2060',
      '2060-2070',
    ]);
    expect(ds.flows).toHaveLength(20 * 6 * 3108 * 25);
    expect(summary.scenarios.map((s) => s.scenario)).toEqual(['OVERALL', 'LM', 'HM', 'HL', 'HH']);
  });

  it.each(PATHWAYS.map((p) => p.code))('%s stays inside the published ranges', (code) => {
    const f = figures(code);
    expect(f.runs).toBe(5);
    expect(f.totalAcres).toBeGreaterThan(1.6e9);
    expect(f.totalAcres).toBeLessThan(1.74e9);
    const [lo, hi] = URBAN_RANGES[code]!;
    expect(f.urbanExpansion).toBeGreaterThan(lo);
    expect(f.urbanExpansion).toBeLessThan(hi);
    for (const region of RPA_REGIONS) {
      const [rlo, rhi] = REGION_RANGES[region]!;
      expect(f.urbanExpansionByRegion[region]).toBeGreaterThan(rlo * 0.9);
      expect(f.urbanExpansionByRegion[region]).toBeLessThan(rhi * 1.1);
    }
    expect(f.forestNetChange).toBeLessThan(-7.6 * M * 0.9);
    expect(f.forestNetChange).toBeGreaterThan(-15.0 * M * 1.1);
    expect(f.forestNetChangePct).toBeLessThan(-1.7);
    expect(f.forestNetChangePct).toBeGreaterThan(-3.9);
    expect(f.urbanFromForestShare).toBeGreaterThan(0.42);
    expect(f.urbanFromForestShare).toBeLessThan(0.5);
    expect(f.southForestNetChange).toBeLessThan(-4.6 * M * 0.9);
    expect(f.southForestNetChange).toBeGreaterThan(-9.2 * M * 1.1);
  });

  it('orders the pathways HH > HM > LM > HL for urban expansion, OVERALL between', () => {
    const u = (code: string) => figures(code).urbanExpansion;
    expect(u('HH')).toBeGreaterThan(u('HM'));
    expect(u('HM')).toBeGreaterThan(u('LM'));
    expect(u('LM')).toBeGreaterThan(u('HL'));
    expect(u('OVERALL')).toBeGreaterThan(u('HL'));
    expect(u('OVERALL')).toBeLessThan(u('HH'));
  });

  it('loses the least forest in LM and the most in HH', () => {
    const net = (code: string) => figures(code).forestNetChange;
    for (const code of ['HL', 'HM', 'HH']) expect(net('LM')).toBeGreaterThan(net(code));
    for (const code of ['LM', 'HL', 'HM']) expect(net('HH')).toBeLessThan(net(code));
  });

  it('spreads the five climate-model runs of a pathway around it, within 15 %', () => {
    for (const pathway of PATHWAYS) {
      const urban = summary.runs
        .filter((r) => r.scenario === pathway.code)
        .map((r) => r.urbanExpansion);
      expect(urban).toHaveLength(5);
      expect(new Set(urban).size).toBe(5);
      expect(Math.max(...urban) / Math.min(...urban)).toBeLessThan(1.15);
    }
  });
});

describe('demo data as a Markov chain', () => {
  it('conserves land across periods, keeps urban absorbing and every flow non-negative', () => {
    const n = ds.counties.length;
    const periods = ds.periods.length;
    let worst = 0;
    let negative = 0;
    let outOfUrban = 0;
    for (let r = 0; r < ds.runs.length; r++) {
      for (let p = 0; p < periods; p++) {
        for (let c = 0; c < n; c++) {
          const o = ((r * periods + p) * n + c) * U * U;
          for (let k = 0; k < U * U; k++) if (ds.flows[o + k]! < 0) negative++;
          for (let to = 0; to < U - 1; to++) outOfUrban += ds.flows[o + 4 * U + to]!;
          if (p + 1 === periods) continue;
          const next = ((r * periods + p + 1) * n + c) * U * U;
          for (let use = 0; use < U; use++) {
            let column = 0;
            let row = 0;
            for (let k = 0; k < U; k++) {
              column += ds.flows[o + k * U + use]!;
              row += ds.flows[next + use * U + k]!;
            }
            worst = Math.max(worst, Math.abs(column - row));
          }
        }
      }
    }
    expect(worst).toBeLessThan(1e-6);
    expect(negative).toBe(0);
    expect(outOfUrban).toBe(0);
  });

  it('shares 2012-2020 across all runs (history), and differs after', () => {
    const block = ds.counties.length * U * U;
    const history = (r: number) => ds.flows.subarray(r * 6 * block, (r * 6 + 1) * block);
    const later = (r: number) => ds.flows.subarray((r * 6 + 5) * block, (r * 6 + 6) * block);
    expect(same(history(7), history(0))).toBe(true);
    expect(same(later(7), later(0))).toBe(false);
  });
});

describe('demo generator options', () => {
  it('is deterministic for a seed and changes with it', () => {
    expect(same(generateDemo({ seed: 42 }).flows, ds.flows)).toBe(true);
    const other = generateDemo({ seed: 7 }).flows;
    expect(other).toHaveLength(ds.flows.length);
    expect(same(other, ds.flows)).toBe(false);
  });

  it('keeps a spread-out subset of counties with the full model numbers', () => {
    const sub = generateDemo({ counties: 200 });
    expect(sub.counties).toHaveLength(200);
    expect(new Set(sub.counties.map((c) => c.state.rpaRegion))).toEqual(new Set(RPA_REGIONS));
    expect(sub.flows).toHaveLength(20 * 6 * 200 * 25);
    // The subset is cut from the full simulation, so its numbers are the full dataset's.
    const j = 137;
    const c = ds.counties.findIndex((x) => x.fips === sub.counties[j]!.fips);
    const full = ((3 * 6 + 4) * 3108 + c) * 25;
    const part = ((3 * 6 + 4) * 200 + j) * 25;
    expect(sub.flows.subarray(part, part + 25)).toEqual(ds.flows.subarray(full, full + 25));
  });

  it('rejects a county count outside 1..3108', () => {
    expect(() => generateDemo({ counties: 0 })).toThrow(/1 to 3108/);
    expect(() => generateDemo({ counties: 3109 })).toThrow(/1 to 3108/);
    expect(() => generateDemo({ counties: 2.5 })).toThrow(/1 to 3108/);
  });
});

describe('writeDemoFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'demo-write-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('formats thousandths compactly', () => {
    expect(['0', '1', '0.5', '12.345', '3.07', '1000.001']).toEqual(
      [0, 1000, 500, 12345, 3070, 1000001].map(formatThousandths),
    );
  });

  it('writes the raw JSON format of DATA.md in hundreds of acres', async () => {
    const n = 12;
    const sub = generateDemo({ counties: n });
    const path = join(dir, 'demo.json');
    const progress: number[] = [];
    const result = await writeDemoFile(path, { dataset: sub }, (done, total) => {
      expect(total).toBe(20 * 6 * n);
      progress.push(done);
    });
    expect(await readdir(dir)).toEqual(['demo.json']);
    const text = await readFile(path, 'utf8');
    expect(result).toEqual({ counties: n, values: 20 * 6 * n * 36, bytes: text.length });
    expect(progress.at(-1)).toBe(20 * 6 * n);

    type Row = Record<string, number | string>;
    const raw = JSON.parse(text) as Record<string, Record<string, Record<string, Row[]>>>;
    expect(Object.keys(raw)).toEqual([...RUN_NAMES]);
    let rows = 0;
    for (const [r, run] of sub.runs.entries()) {
      expect(Object.keys(raw[run]!)).toEqual(sub.periods.map((p) => p.label));
      for (const [p, period] of sub.periods.entries()) {
        const byFips = raw[run]![period.label]!;
        // JSON.parse puts integer-like keys ("16003", not "01001") first, so compare as sets.
        expect(Object.keys(byFips).sort()).toEqual(sub.counties.map((c) => c.fips).sort());
        for (const [c, county] of sub.counties.entries()) {
          const block = byFips[county.fips]!;
          expect(block.map((row) => row._row)).toEqual([...LAND_USE_CODES, 't2']);
          const o = ((r * 6 + p) * n + c) * 25;
          for (const [from, row] of block.entries()) {
            rows++;
            const values = LAND_USE_CODES.map((code) => row[code] as number);
            const sum = values.reduce((a, b) => a + b, 0);
            expect(Math.abs((row.t1 as number) - sum)).toBeLessThan(0.01);
            if (from === U) continue;
            // Same numbers as the dataset, which holds hundreds of acres.
            values.forEach((v, to) =>
              expect(Math.abs(v - sub.flows[o + from * U + to]!)).toBeLessThan(6e-4),
            );
          }
        }
      }
    }
    expect(rows).toBe(20 * 6 * n * 6);
  });

  it('fails cleanly, leaving no file behind, when it cannot write', async () => {
    const sub = generateDemo({ counties: 3 });
    const path = join(dir, 'missing', 'demo.json');
    await expect(writeDemoFile(path, { dataset: sub })).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual(['demo.json']);
  });
});
