import { describe, expect, it } from 'vitest';
import { cacheKey, normalizeSql, stableSerialize } from './key.ts';

const base = { sql: 'SELECT 1', params: [] as unknown[], fingerprint: 'fp' };

describe('normalizeSql', () => {
  it('collapses whitespace runs and trims, keeping case', () => {
    expect(normalizeSql('  SELECT\n\ta ,  B\r\nFROM   t  ')).toBe('SELECT a , B FROM t');
  });

  it('keeps literals, quoted identifiers and block comments exactly', () => {
    expect(normalizeSql(`SELECT  'a  b',  "x  y"  /* c  d */`)).toBe(
      `SELECT 'a  b', "x  y" /* c  d */`,
    );
    expect(normalizeSql(`SELECT 'it''s  ok'  ,  1`)).toBe(`SELECT 'it''s  ok' , 1`);
    expect(normalizeSql(`SELECT E'a\\'  b'  ,  1`)).toBe(`SELECT E'a\\'  b' , 1`);
    expect(normalizeSql("SELECT $q$ a  ' b $q$  ,  $$x  y$$")).toBe(
      "SELECT $q$ a  ' b $q$ , $$x  y$$",
    );
    expect(normalizeSql("SELECT /* a /* b */  ' */  1")).toBe("SELECT /* a /* b */  ' */ 1");
  });

  it('keeps the newline that ends a line comment', () => {
    expect(normalizeSql('SELECT a -- note  \n   FROM t\n-- end\n')).toBe(
      'SELECT a -- note\nFROM t -- end',
    );
    expect(normalizeSql("SELECT a -- it's\nFROM t")).toBe("SELECT a -- it's\nFROM t");
  });

  it('does not treat a no-break space as whitespace', () => {
    expect(normalizeSql('SELECT a\u00a0\u00a0b')).toBe('SELECT a\u00a0\u00a0b');
  });
});

describe('cacheKey', () => {
  it('is a short hex key under the namespace', () => {
    expect(cacheKey(base)).toMatch(/^q:[0-9a-f]{32}$/);
    expect(cacheKey({ ...base, namespace: 'county' })).toMatch(/^county:[0-9a-f]{32}$/);
    expect(() => cacheKey({ ...base, namespace: '' })).toThrow(RangeError);
  });

  it('gives whitespace variants the same key', () => {
    const a = cacheKey({ ...base, sql: 'SELECT x\nFROM t\n  WHERE y = $1' });
    const b = cacheKey({ ...base, sql: '  SELECT   x FROM\tt WHERE y = $1 ' });
    expect(a).toBe(b);
  });

  it('tells literals apart by their whitespace, and identifiers by case', () => {
    expect(cacheKey({ ...base, sql: "SELECT 'a  b'" })).not.toBe(
      cacheKey({ ...base, sql: "SELECT 'a b'" }),
    );
    expect(cacheKey({ ...base, sql: 'SELECT "A"' })).not.toBe(
      cacheKey({ ...base, sql: 'SELECT "a"' }),
    );
  });

  it('tells a commented-out line from a live one', () => {
    expect(cacheKey({ ...base, sql: 'SELECT 1 -- c\nFROM t' })).not.toBe(
      cacheKey({ ...base, sql: 'SELECT 1 -- c FROM t' }),
    );
  });

  it('depends on parameter values, types and order', () => {
    const keys = [
      [1],
      ['1'],
      [1n],
      [true],
      [null],
      [undefined],
      [1, 2],
      [2, 1],
      [[1, 2]],
      [new Date('2020-01-01T00:00:00Z')],
      [{ a: 1 }],
    ].map((params) => cacheKey({ ...base, params }));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('depends on the fingerprint and the namespace', () => {
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, fingerprint: 'fp2' }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, namespace: 'other' }));
    expect(cacheKey(base)).toBe(cacheKey({ ...base }));
  });

  it('takes bigint parameters', () => {
    const key = cacheKey({ ...base, params: [2n ** 100n, { n: 5n }] });
    expect(key).toBe(cacheKey({ ...base, params: [2n ** 100n, { n: 5n }] }));
    expect(key).not.toBe(cacheKey({ ...base, params: [2n ** 100n + 1n, { n: 5n }] }));
  });
});

describe('stableSerialize', () => {
  it('sorts object keys at every depth', () => {
    expect(stableSerialize({ b: 1, a: { d: [1], c: 2 } })).toBe(
      stableSerialize({ a: { c: 2, d: [1] }, b: 1 }),
    );
  });

  it('keeps array order and holes, Dates, bytes and class names', () => {
    expect(stableSerialize([1, 2])).not.toBe(stableSerialize([2, 1]));
    // eslint-disable-next-line no-sparse-arrays
    expect(stableSerialize([1, , 3])).toBe(stableSerialize([1, undefined, 3]));
    expect(stableSerialize(new Date(0))).toBe('date:1970-01-01T00:00:00.000Z');
    expect(stableSerialize(new Date(Number.NaN))).toBe('date:invalid');
    expect(stableSerialize(new Uint8Array([1, 255]))).toBe('Uint8Array:01ff');
    class ListValue {
      constructor(readonly items: unknown[]) {}
    }
    expect(stableSerialize(new ListValue([1]))).not.toBe(stableSerialize({ items: [1] }));
    expect(stableSerialize(-0)).not.toBe(stableSerialize(0));
  });

  it('shares repeated references but refuses cycles, functions and symbols', () => {
    const shared = { x: 1 };
    expect(() => stableSerialize([shared, shared])).not.toThrow();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => stableSerialize(cyclic)).toThrow(/cyclic/);
    expect(() => stableSerialize([() => 1])).toThrow(TypeError);
    expect(() => stableSerialize([Symbol('s')])).toThrow(TypeError);
  });
});
