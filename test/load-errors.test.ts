import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError, type AppError } from '../src/domain/index.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { HAND_MADE, quietEffects, sha256, tempDir, writeJson } from './helpers.ts';

type Raw = Record<string, Record<string, Record<string, Record<string, unknown>[]>>>;
const RUN = 'CNRM_CM5_rcp45_ssp1';
const AT = `$["${RUN}"]["2020-2030"]["01001"]`;

// Each bad input must fail with a clear error naming where and what, and leave the existing
// database byte for byte as it was, with no temporary files left behind.
describe('bad input leaves the existing database unchanged', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: string;
  let before: string;
  let good: Raw;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    db = join(dir, 'landuse.duckdb');
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    before = await sha256(db);
    good = JSON.parse(await readFile(HAND_MADE, 'utf8')) as Raw;
  });
  afterAll(() => cleanup());

  const mutated = (change: (raw: Raw) => void): Raw => {
    const copy = structuredClone(good);
    change(copy);
    return copy;
  };
  const row = (raw: Raw, i: number, period = '2020-2030', fips = '01001') =>
    raw[RUN]![period]![fips]![i]!;

  async function expectRejected(input: string, code: string, ...fragments: string[]) {
    const error = await runLoad({ input, db }, quietEffects).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAppError(error), String(error)).toBe(true);
    const e = error as AppError;
    expect(e.code).toBe(code);
    for (const f of fragments) expect(e.message).toContain(f);
    expect(e.message).toContain(`${db} is unchanged`);
    expect(await sha256(db)).toBe(before);
    expect((await readdir(dir)).filter((f) => f.includes('.loading-'))).toEqual([]);
  }

  const file = async (name: string, content: unknown) =>
    typeof content === 'string'
      ? (await writeFile(join(dir, name), content), join(dir, name))
      : writeJson(join(dir, name), content);

  it('an empty file', async () => {
    await expectRejected(await file('empty.json', ''), 'load:empty_file', 'is empty');
  });

  it('truncated JSON', async () => {
    const text = await readFile(HAND_MADE, 'utf8');
    await expectRejected(
      await file('truncated.json', text.slice(0, text.length / 2)),
      'load:truncated_json',
      'truncated',
      'line',
    );
  });

  it('malformed JSON', async () => {
    await expectRejected(
      await file('bad.json', '{"a": [1, 2,, 3]}'),
      'load:malformed_json',
      'line 1',
    );
  });

  it('a top level that is not an object', async () => {
    await expectRejected(await file('array.json', [1, 2]), 'load:not_an_object', 'an array');
  });

  it('an unknown run name', async () => {
    const raw = mutated((r) => {
      r.BOGUS_rcp45_ssp1 = r[RUN]!;
    });
    await expectRejected(
      await file('run.json', raw),
      'load:unknown_run',
      '$["BOGUS_rcp45_ssp1"]',
      'CNRM_CM5_rcp45_ssp1',
    );
  });

  it('an unknown period', async () => {
    const raw = mutated((r) => {
      r[RUN]!['2020-2035'] = r[RUN]!['2020-2030']!;
      delete r[RUN]!['2020-2030'];
    });
    await expectRejected(
      await file('period.json', raw),
      'load:unknown_period',
      `$["${RUN}"]["2020-2035"]`,
      '2060-2070',
    );
  });

  it('an unknown _row', async () => {
    const raw = mutated((r) => {
      row(r, 2)._row = 'xx';
    });
    await expectRejected(
      await file('row.json', raw),
      'load:unknown_row',
      `${AT}[2]._row`,
      '"xx"',
      'cr, ps, rg, fr, ur',
    );
  });

  it('negative acres', async () => {
    const raw = mutated((r) => {
      row(r, 1).ps = -3;
    });
    await expectRejected(
      await file('neg.json', raw),
      'load:negative_value',
      `${AT}[1].ps`,
      '-3',
      '>= 0',
    );
  });

  it('a string where a number belongs', async () => {
    const raw = mutated((r) => {
      row(r, 3).fr = 'lots';
    });
    await expectRejected(
      await file('str.json', raw),
      'load:invalid_value',
      `${AT}[3].fr`,
      '"lots"',
      'expected a number',
    );
  });

  it('a number written as a string', async () => {
    const raw = mutated((r) => {
      row(r, 3).fr = '19';
    });
    await expectRejected(
      await file('numstr.json', raw),
      'load:invalid_value',
      `${AT}[3].fr`,
      '"19"',
      'without quotes',
    );
  });

  it('a missing t1', async () => {
    const raw = mutated((r) => {
      delete row(r, 0).t1;
    });
    await expectRejected(
      await file('t1.json', raw),
      'load:invalid_value',
      `${AT}[0].t1`,
      'missing',
    );
  });

  it('row totals that do not add up', async () => {
    const raw = mutated((r) => {
      row(r, 0).t1 = 11;
    });
    await expectRejected(
      await file('total.json', raw),
      'load:row_total',
      `${AT}[0].t1`,
      'add up to 10',
    );
  });

  it('a t2 row that does not match the column sums', async () => {
    const raw = mutated((r) => {
      row(r, 5).fr = 25;
    });
    await expectRejected(
      await file('t2.json', raw),
      'load:column_total',
      `${AT}[5].fr`,
      'adds up to 19',
    );
  });

  it('land not conserved between periods', async () => {
    // Forest ends 2012-2020 at 21 but starts 2020-2030 at 23.
    const raw = mutated((r) => {
      const fr = row(r, 3);
      fr.fr = 21;
      fr.t1 = 23;
      row(r, 5).fr = 21;
    });
    await expectRejected(
      await file('conserve.json', raw),
      'load:conservation',
      AT,
      'not conserved',
      '21',
    );
  });

  it('a county missing from one period', async () => {
    const raw = mutated((r) => {
      delete r[RUN]!['2020-2030']!['06037'];
    });
    await expectRejected(
      await file('county.json', raw),
      'load:missing_county',
      `$["${RUN}"]["2020-2030"]`,
      '"06037"',
    );
  });

  it('a land use row missing from a county', async () => {
    const raw = mutated((r) => {
      r[RUN]!['2020-2030']!['01001']!.splice(2, 1);
    });
    await expectRejected(await file('missing-row.json', raw), 'load:missing_row', AT, '"rg"');
  });

  it('a county outside the conterminous US', async () => {
    const raw = mutated((r) => {
      for (const period of Object.values(r))
        for (const counties of Object.values(period)) counties['02013'] = counties['01001']!;
    });
    await expectRejected(
      await file('alaska.json', raw),
      'load:unknown_state',
      '"02013"',
      'conterminous',
    );
  });

  it('a path that does not exist', async () => {
    await expectRejected(join(dir, 'nope.json'), 'load:input_missing', 'not found', 'demo-data');
  });

  it('a directory instead of a file', async () => {
    await expectRejected(dir, 'load:input_is_directory', 'is a directory');
  });

  it('an interrupted load', async () => {
    const controller = new AbortController();
    const pending = runLoad(
      { input: HAND_MADE, db, signal: controller.signal },
      {
        ...quietEffects,
        progress: (_f, stage) => {
          if (stage === 'Validating') controller.abort();
        },
      },
    );
    await expect(pending).rejects.toMatchObject({ code: 'load:interrupted' });
    expect(await sha256(db)).toBe(before);
  });
});
