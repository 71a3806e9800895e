import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../domain/index.ts';
import { cleanDuckDbMessage, userSqlError } from './guard-errors.ts';
import { createSqlGuard } from './guard.ts';

describe('userSqlError', () => {
  it('turns a binder error into sql:binder without the wrapper context', () => {
    const error = userSqlError(
      new Error(
        'Binder Error: Referenced column "nonexistent" not found in FROM clause!\nCandidate bindings: "fips_code"\n\nLINE 1: SELECT * FROM (SELECT nonexistent FROM dim_geography) AS guarded_query LIMIT 3\n                              ^',
      ),
    );
    expect(error?.code).toBe('sql:binder');
    expect(error?.message).toBe(
      'DuckDB could not run the query: Referenced column "nonexistent" not found in FROM clause! Candidate bindings: "fips_code".',
    );
  });

  it.each([
    ["Conversion Error: Could not convert string 'a' to INT32", 'sql:conversion'],
    ['Out of Range Error: Overflow in addition of INT32 (2147483647 + 1)!', 'sql:out_of_range'],
    ['Invalid Input Error: x', 'sql:invalid_input'],
    ['Catalog Error: Scalar Function with name nofunc does not exist!', 'sql:catalog'],
    ['Out of Memory Error: failed to allocate data of size 1.0 GiB', 'sql:out_of_memory'],
  ])('maps %s to %s', (message, code) => {
    expect(userSqlError(new Error(message))?.code).toBe(code);
  });

  it('leaves real failures and AppErrors alone', () => {
    expect(userSqlError(new Error('IO Error: could not read block'))).toBeUndefined();
    expect(userSqlError(new Error('INTERNAL Error: assertion failed'))).toBeUndefined();
    expect(userSqlError(new AppError('query:timeout', 'slow'))).toBeUndefined();
    expect(userSqlError('Binder Error: not an Error')).toBeUndefined();
  });
});

describe('cleanDuckDbMessage', () => {
  it('drops advice to change settings, wrapper names and paths', () => {
    expect(
      cleanDuckDbMessage(
        'Max expression depth limit of 1000 exceeded. Use "SET max_expression_depth TO x" to increase the maximum expression depth.',
      ),
    ).toBe('Max expression depth limit of 1000 exceeded.');
    expect(cleanDuckDbMessage('column guarded_query.x in /home/build/duckdb/src/x.cpp')).toBe(
      'column the query.x in <path>.',
    );
  });
});

describe('the guard on generated values', () => {
  const guard = createSqlGuard({ maxGeneratedLength: 1000 });
  afterAll(() => guard.close());

  it.each([
    "SELECT repeat('x', 1001)",
    "SELECT repeat('ab', 600)",
    "SELECT repeat('x', 10) || repeat('y', 995)",
    "SELECT rpad('x', 2000, ' ')",
    'SELECT range(0, 5000, 2)',
    'SELECT list_resize([1], 5000)',
    "SELECT repeat('x', length('abc'))",
    "SELECT repeat(repeat('x', 10), 10)",
    "SELECT format('{:>5000}', 'x')",
    'SELECT * FROM unnest(range(100000))',
  ])('refuses %s', async (sql) => {
    const result = await guard.check(sql);
    expect(result.ok ? 'accepted' : result.code).toBe('sql:too_large');
  });

  it.each([
    "SELECT repeat('x', 999)",
    "SELECT lpad(fips_code, 8, '0') FROM dim_geography",
    'SELECT * FROM range(1000000000000)',
    'SELECT range(0, 5000, 10)',
    "SELECT format('{:.2f}', 3.14159)",
  ])('accepts %s', async (sql) => {
    const result = await guard.check(sql);
    expect(result.ok ? 'accepted' : result.reason).toBe('accepted');
  });
});
