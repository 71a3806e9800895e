import { describe, expect, it } from 'vitest';
import { ident, join, render, sql, when } from './sql.ts';

describe('the sql tag', () => {
  it('turns every interpolated value into a numbered bound parameter', () => {
    const state = "TX'; DROP TABLE dim_geography; --";
    const q = render(
      sql`SELECT * FROM dim_geography WHERE state_abbrev = ${state} AND geography_id > ${3}`,
    );
    expect(q.text).toBe(
      'SELECT * FROM dim_geography WHERE state_abbrev = $1 AND geography_id > $2',
    );
    expect(q.params).toEqual([state, 3]);
    expect(q.text).not.toContain('DROP');
  });

  it('numbers parameters across nested fragments in order', () => {
    const filter = join([sql`a = ${1}`, sql`b = ${'x'}`, sql`c IN (${2}, ${3})`], ' AND ');
    const q = render(
      sql`SELECT ${'v'} AS v FROM t WHERE ${filter} ${when(true, sql`LIMIT ${10}`)}${when(false, sql` OFFSET ${99}`)}`,
    );
    expect(q.text).toBe('SELECT $1 AS v FROM t WHERE a = $2 AND b = $3 AND c IN ($4, $5) LIMIT $6');
    expect(q.params).toEqual(['v', 1, 'x', 2, 3, 10]);
  });

  it('binds arrays as typed lists', () => {
    const q = render(
      sql`SELECT list_contains(${['CA', 'TX']}, 'CA'), list_contains(${[1, 2]}, 1), ${[0.5]}`,
    );
    expect(q.types.map((t) => t?.toString())).toEqual(['VARCHAR[]', 'INTEGER[]', 'DOUBLE[]']);
  });

  it('binds integers beyond 32 bits as doubles, not as overflowing integers', () => {
    const q = render(sql`SELECT ${3_000_000_000}, ${7}`);
    expect(q.types.map((t) => t?.toString())).toEqual(['DOUBLE', 'INTEGER']);
  });

  it('takes identifiers only from a closed list', () => {
    expect(render(sql`SELECT ${ident('acres', ['acres', 'acres_min'])} FROM f`).text).toBe(
      'SELECT acres FROM f',
    );
    expect(() => ident('acres; DROP TABLE f', ['acres'])).toThrow(/not one of/);
    expect(() => ident('bad name', ['bad name'])).toThrow(/unsafe/);
  });
});
