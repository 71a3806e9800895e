import { DuckDBInstance } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  csvBody,
  csvField,
  exportQuery,
  exportStream,
  resolveExport,
  streamRows,
  xlsxBody,
  type ExportFile,
} from '../src/analytics/export/index.ts';
import type { AnalyticsService } from '../src/analytics/open.ts';
import { render, sql } from '../src/data/sql.ts';
import { AppError } from '../src/domain/index.ts';
import { openHandMade, tempDir } from './helpers.ts';

// Expected values worked out by hand from test/fixtures/hand-made.json (hundreds of acres in the
// file): Autauga AL (01001) under LM (CNRM_CM5_rcp45_ssp1), 2020-2030.
const AL_LM_2020: [string, string, number][] = [
  ['crop', 'crop', 900],
  ['crop', 'urban', 100],
  ['pasture', 'pasture', 800],
  ['pasture', 'urban', 100],
  ['rangeland', 'rangeland', 500],
  ['forest', 'forest', 1900],
  ['forest', 'urban', 200],
  ['urban', 'urban', 700],
];
const ALABAMA = { states: 'AL', scenarios: 'LM', year_range: '2020-2030' };

/** A small RFC 4180 parser: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

async function bytesOf(file: ExportFile): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of file.body)
    parts.push(typeof p === 'string' ? Buffer.from(p) : Buffer.from(p));
  return Buffer.concat(parts);
}

const textOf = async (file: ExportFile) => (await bytesOf(file)).toString('utf8');

/** (from, to, acres) triples of parsed rows, for comparing with the hand-worked values. */
const flows = (rows: Record<string, unknown>[]) =>
  rows.map((r) => [r.from_land_use, r.to_land_use, Number(r.acres)]);

describe('export', () => {
  let service: AnalyticsService;
  let cleanup: () => Promise<void>;
  let demo: Pick<AnalyticsService, 'ctx' | 'pool'>;

  beforeAll(async () => {
    ({ service, cleanup } = await openHandMade({ poolSize: 2 }));
    demo = { pool: service.pool, ctx: { ...service.ctx, dataset: 'demo' } };
  });
  afterAll(async () => cleanup());

  it('CSV: RFC 4180, exactly the filtered rows, a name that says what is inside', async () => {
    const file = await exportStream(service, { format: 'csv', ...ALABAMA });
    expect(file.filename).toBe('rpa-landuse_county_LM_2020-2030_AL.csv');
    expect(file.contentType).toMatch(/^text\/csv/);
    expect(file.notice).toBeNull();
    const text = await textOf(file);
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...records] = parseCsv(text);
    expect(header).toEqual([
      'scenario',
      'scenario_name',
      'period',
      'start_year',
      'end_year',
      'fips',
      'county_name',
      'state_abbrev',
      'from_land_use',
      'to_land_use',
      'acres',
      'acres_std_dev',
      'acres_min',
      'acres_max',
    ]);
    const rows = records.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
    expect(flows(rows)).toEqual(AL_LM_2020);
    expect(rows[0]).toMatchObject({
      scenario: 'LM',
      scenario_name: 'RCP45_SSP1',
      period: '2020-2030',
      start_year: '2020',
      end_year: '2030',
      fips: '01001',
      state_abbrev: 'AL',
    });
    expect(service.pool.stats().inUse).toBe(0);
  });

  it('CSV fields are quoted when they hold commas, quotes or line breaks', () => {
    expect(csvField('Autauga')).toBe('Autauga');
    expect(csvField('Anchorage, AK')).toBe('"Anchorage, AK"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
    expect(parseCsv('a,"b, ""c"""\r\n')).toEqual([['a', 'b, "c"']]);
  });

  it('JSON parses back with the rows, the filters and a null notice for real data', async () => {
    const file = await exportStream(service, { format: 'json', ...ALABAMA });
    expect(file.filename).toBe('rpa-landuse_county_LM_2020-2030_AL.json');
    const doc = JSON.parse(await textOf(file)) as {
      notice: string | null;
      about: Record<string, string>;
      columns: string[];
      rows: Record<string, unknown>[];
    };
    expect(doc.notice).toBeNull();
    expect(doc.about.Periods).toBe('2020-2030');
    expect(doc.columns).toContain('acres_std_dev');
    expect(flows(doc.rows)).toEqual(AL_LM_2020);
    expect(doc.rows[0]!.county_name).toBe('Autauga');
  });

  it('NDJSON: one object a line, a first notice line for demo data', async () => {
    const real = await exportStream(service, { format: 'ndjson', ...ALABAMA });
    const lines = (await textOf(real))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(flows(lines)).toEqual(AL_LM_2020);

    const file = await exportStream(demo, { format: 'ndjson', ...ALABAMA });
    expect(file.filename).toBe('rpa-landuse_county_LM_2020-2030_AL-DEMO-DATA.ndjson');
    expect(file.notice).toMatch(/demo data/i);
    const [first, ...rest] = (await textOf(file))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toEqual({ notice: file.notice });
    expect(flows(rest)).toEqual(AL_LM_2020);
  });

  it('JSON of demo data carries the notice', async () => {
    const file = await exportStream(demo, { format: 'json', ...ALABAMA });
    const doc = JSON.parse(await textOf(file)) as { notice: string; rows: unknown[] };
    expect(doc.notice).toBe(file.notice);
    expect(doc.rows).toHaveLength(8);
  });

  it('xlsx reads back with exceljs: a Data sheet and an About sheet', async () => {
    const file = await exportStream(demo, { format: 'xlsx', ...ALABAMA });
    expect(file.filename).toBe('rpa-landuse_county_LM_2020-2030_AL-DEMO-DATA.xlsx');
    const book = new ExcelJS.Workbook();
    const bytes = await bytesOf(file);
    await book.xlsx.load(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    const data = book.getWorksheet('Data')!;
    const values = (n: number) => (data.getRow(n).values as unknown[]).slice(1);
    const header = values(1) as string[];
    expect(header[0]).toBe('scenario');
    const rows: Record<string, unknown>[] = [];
    for (let n = 2; n <= data.rowCount; n++) {
      rows.push(Object.fromEntries(header.map((h, i) => [h, values(n)[i]])));
    }
    expect(flows(rows)).toEqual(AL_LM_2020);
    expect(typeof rows[0]!.acres).toBe('number');
    const about = book.getWorksheet('About')!;
    const facts: Record<string, unknown> = {};
    about.eachRow((row) => {
      const [, k, v] = row.values as unknown[];
      facts[String(k)] = v;
    });
    expect(facts).toMatchObject({ Rows: '8', Periods: '2020-2030' });
    expect(String(facts.Units)).toMatch(/acres/i);
    expect(String(facts.Source)).toMatch(/RPA/);
    expect(String(facts.Notice)).toMatch(/demo data/i);
    expect(String(facts.Geography)).toMatch(/Alabama/);
  });

  it('Parquet reads back with read_parquet and has the same rows', async () => {
    const file = await exportStream(service, { format: 'parquet', ...ALABAMA });
    expect(file.filename).toBe('rpa-landuse_county_LM_2020-2030_AL.parquet');
    const t = await tempDir();
    try {
      const path = join(t.dir, 'x.parquet');
      await writeFile(path, await bytesOf(file));
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      const reader = await c.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
      const rows = reader.getRowObjectsJS();
      expect(flows(rows)).toEqual(AL_LM_2020);
      expect(rows[0]).toMatchObject({ fips: '01001', start_year: 2020, scenario: 'LM' });
      c.closeSync();
      db.closeSync();
    } finally {
      await t.cleanup();
    }
    expect(service.pool.stats().inUse).toBe(0);
  });

  it('state level sums counties per state and leaves out the spread columns', async () => {
    const file = await exportStream(service, {
      format: 'json',
      states: 'AL,CA',
      scenarios: 'LM,HH',
      level: 'state',
    });
    expect(file.filename).toBe('rpa-landuse_state_LM-HH_2020-2030_AL-CA.json');
    const doc = JSON.parse(await textOf(file)) as {
      columns: string[];
      rows: Record<string, unknown>[];
    };
    expect(doc.columns).not.toContain('acres_std_dev');
    expect(doc.columns).toContain('state');
    const total = (scenario: string, state: string) =>
      doc.rows
        .filter((r) => r.scenario === scenario && r.state_abbrev === state)
        .reduce((s, r) => s + Number(r.acres), 0);
    // Whole area at the start of 2020-2030: Autauga 5,200 acres, Los Angeles 1,500 acres.
    expect(total('LM', 'AL')).toBe(5200);
    expect(total('HH', 'AL')).toBe(5200);
    expect(total('LM', 'CA')).toBe(1500);
    const laUrban = doc.rows.find(
      (r) =>
        r.scenario === 'HH' &&
        r.state === 'California' &&
        r.from_land_use === 'rangeland' &&
        r.to_land_use === 'urban',
    );
    expect(laUrban?.acres).toBe(200);
    // Deterministic order: scenario (LM before HH), then state, then from/to.
    expect(doc.rows.map((r) => `${String(r.scenario)}:${String(r.state_abbrev)}`)).toEqual(
      [...doc.rows.map((r) => `${String(r.scenario)}:${String(r.state_abbrev)}`)].sort(
        (a, b) => order(a) - order(b),
      ),
    );
  });

  it('land use filter keeps rows moving from or to the named uses', async () => {
    const file = await exportStream(service, { format: 'json', ...ALABAMA, land_use: 'forest' });
    expect(file.filename).toBe('rpa-landuse_county_LM_2020-2030_AL_forest.json');
    const doc = JSON.parse(await textOf(file)) as { rows: Record<string, unknown>[] };
    expect(flows(doc.rows)).toEqual([
      ['forest', 'forest', 1900],
      ['forest', 'urban', 200],
    ]);
  });

  it('file names: all when unfiltered, regions by name, long lists abbreviated', async () => {
    const all = await exportStream(service, { format: 'csv' });
    expect(all.filename).toBe('rpa-landuse_county_all-scenarios_2020-2030_all-states.csv');
    const region = await exportStream(service, { format: 'csv', states: 'Pacific Southwest' });
    expect(region.filename).toBe(
      'rpa-landuse_county_all-scenarios_2020-2030_Pacific-Southwest.csv',
    );
    const many = await exportStream(service, {
      format: 'parquet',
      states: 'AL,CA,TX,FL,GA',
      scenarios: 'rcp8.5',
      year_range: '2012-2020,2020-2030',
    });
    expect(many.filename).toBe('rpa-landuse_county_HM-HL-HH_2012-2030_AL-CA-TX-and-2-more.parquet');
    // Nothing ran: the body is lazy, so no connection is held by an unread export.
    expect(service.pool.stats().inUse).toBe(0);
    await bytesOf(all);
  });

  it('the export SQL binds every filter value and orders its rows', () => {
    const spec = resolveExport(service.ctx, {
      format: 'csv',
      states: 'AL,Texas',
      scenarios: 'HH',
      land_use: 'urban',
    });
    const q = render(exportQuery(spec));
    expect(q.text).not.toMatch(/'(AL|TX)'/);
    expect(q.params).toEqual(expect.arrayContaining(['AL', 'TX']));
    expect(q.text).toMatch(/ORDER BY f\.scenario_id, f\.time_id, g\.fips_code/);
  });

  it('unknown values are errors that name the choices', async () => {
    const fails = async (input: Record<string, unknown>) => {
      const error = await exportStream(service, input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      return error as AppError;
    };
    const format = await fails({ format: 'pdf' });
    expect(format.code).toBe('bad_request:unknown_format');
    expect(format.message).toContain('csv, json, ndjson, xlsx, parquet');
    expect(format.details?.choices).toEqual(['csv', 'json', 'ndjson', 'xlsx', 'parquet']);
    expect((await fails({})).code).toBe('bad_request:unknown_format');

    const state = await fails({ format: 'csv', states: 'AL,Atlantis' });
    expect(state.code).toBe('bad_request:unknown_state');
    expect(state.message).toContain('Atlantis');
    expect((state.details?.choices as string[]).length).toBeGreaterThan(0);

    const scenario = await fails({ format: 'csv', scenarios: 'LM,XQ' });
    expect(scenario.code).toBe('bad_request:unknown_scenario');
    expect(scenario.message).toMatch(/LM.*HM.*HL.*HH/);

    const period = await fails({ format: 'csv', year_range: '2025-2035' });
    expect(period.code).toBe('bad_request:unknown_period');
    expect(period.details).toEqual({ field: 'year_range', choices: ['2012-2020', '2020-2030'] });
    // The older names, periods and land_uses, still work.
    expect((await fails({ format: 'csv', periods: '2025-2035' })).code).toBe(
      'bad_request:unknown_period',
    );
    expect((await fails({ format: 'csv', land_uses: 'swamp' })).code).toBe(
      'bad_request:unknown_land_use',
    );

    const use = await fails({ format: 'csv', land_use: 'swamp' });
    expect(use.code).toBe('bad_request:unknown_land_use');
    expect(use.message).toContain('forest');

    const level = await fails({ format: 'csv', level: 'city' });
    expect(level.code).toBe('bad_request:invalid_params');
    expect(level.message).toContain('county, state');
  });

  it('streams chunk by chunk and hands the connection back when the reader stops early', async () => {
    const big = sql`SELECT i::INTEGER AS n, ('row ' || i)::VARCHAR AS label
      FROM range(${1_000_000}) t(i) ORDER BY i`;
    const seen: number[] = [];
    for await (const rows of streamRows(service.pool, big)) {
      expect(service.pool.stats().inUse).toBe(1);
      seen.push(rows.length);
      if (seen.length === 2) break;
    }
    // Two DuckDB chunks (2,048 rows each), not a million rows materialized.
    expect(seen).toEqual([2048, 2048]);
    expect(service.pool.stats().inUse).toBe(0);

    // As CSV: a header piece, then one piece a chunk; stop after two chunks.
    const pieces: string[] = [];
    for await (const piece of csvBody(['n', 'label'], streamRows(service.pool, big))) {
      pieces.push(piece);
      if (pieces.length === 3) break;
    }
    expect(pieces[0]).toBe('n,label\r\n');
    expect(parseCsv(pieces[1]!)).toHaveLength(2048);
    expect(parseCsv(pieces[2]!)[0]).toEqual(['2048', 'row 2048']);
    expect(service.pool.stats().inUse).toBe(0);

    // The same through a whole export's body, stopped after two pieces.
    const file = await exportStream(service, { format: 'csv' });
    const it = file.body[Symbol.asyncIterator]();
    await it.next(); // the header
    await it.next(); // the first chunk of rows: the query is open
    expect(service.pool.stats().inUse).toBe(1);
    await it.return?.();
    expect(service.pool.stats().inUse).toBe(0);

    // The pool still works afterwards.
    const check = await service.pool.query(sql`SELECT 42::INTEGER AS x`);
    expect(check.rows).toEqual([{ x: 42 }]);
  });

  it('a large xlsx stopped early stops its writer and hands the connection back', async () => {
    const big = sql`SELECT ('row ' || i)::VARCHAR AS label, i::DOUBLE AS acres
      FROM range(${300_000}) t(i) ORDER BY i`;
    const body = xlsxBody({
      columns: [
        { name: 'label', type: 'VARCHAR', label: 'Label' },
        { name: 'acres', type: 'DOUBLE', label: 'Acres' },
      ],
      chunks: streamRows(service.pool, big),
      about: [['Source', 'test']],
    });
    let pieces = 0;
    for await (const piece of body) {
      expect(piece.length).toBeGreaterThan(0);
      if (++pieces === 40) break;
    }
    expect(service.pool.stats().inUse).toBe(0);
  });

  it('an xlsx export stopped early also hands the connection back', async () => {
    const file = await exportStream(service, { format: 'xlsx' });
    const it = file.body[Symbol.asyncIterator]();
    await it.next();
    await it.return?.();
    expect(service.pool.stats().inUse).toBe(0);
  });
});

const order = (key: string) => {
  const [scenario, state] = key.split(':');
  return (scenario === 'LM' ? 0 : 10) + (state === 'AL' ? 0 : 1);
};
