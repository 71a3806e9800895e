import { describe, expect, it } from 'vitest';
import { isAppError } from '../domain/index.ts';
import { LEVELS, resolvePlan, type LoadTestOptions } from './options.ts';

function usageError(o: LoadTestOptions): string {
  try {
    resolvePlan(o);
  } catch (error) {
    expect(isAppError(error, 'usage')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('resolvePlan', () => {
  it('fills in the defaults: 10 users, 30 s, realistic mix, in process', () => {
    expect(resolvePlan({})).toEqual({
      levels: [10],
      rampUpSeconds: 0,
      durationSeconds: 30,
      thinkMs: 0,
      mix: { kind: 'realistic' },
      target: { kind: 'in-process' },
      slo: {},
      json: false,
      timeoutMs: 30_000,
    });
  });

  it('reads every option', () => {
    const plan = resolvePlan({
      levels: true,
      rampUp: '2.5',
      duration: '20',
      requests: '500',
      thinkMs: '100',
      mix: 'distinct',
      url: 'http://127.0.0.1:8000/',
      apiKey: 'k',
      p95Ms: '250',
      p99Ms: '500',
      maxErrorRate: '0',
      minRps: '1e9',
      json: true,
      markdown: '/tmp/levels.md',
    });
    expect(plan).toEqual({
      levels: [...LEVELS],
      rampUpSeconds: 2.5,
      durationSeconds: 20,
      requests: 500,
      thinkMs: 100,
      mix: { kind: 'distinct' },
      target: { kind: 'http', url: 'http://127.0.0.1:8000', apiKey: 'k' },
      slo: { p95Ms: 250, p99Ms: 500, maxErrorRate: 0, minRps: 1e9 },
      json: true,
      markdown: '/tmp/levels.md',
      timeoutMs: 30_000,
    });
    expect(LEVELS).toEqual([5, 10, 20, 50]);
  });

  it('runs by count alone when only --requests is given', () => {
    const plan = resolvePlan({ requests: '100', questions: 'q.txt', db: 'x.duckdb' });
    expect(plan.durationSeconds).toBeUndefined();
    expect(plan.requests).toBe(100);
    expect(plan.mix).toEqual({ kind: 'file', path: 'q.txt' });
    expect(plan.target).toEqual({ kind: 'in-process', db: 'x.duckdb' });
  });

  it.each<[LoadTestOptions, RegExp]>([
    [{ users: '0' }, /--users expects a whole number of users from 1 to 1000, got "0"/],
    [{ users: '2.5' }, /--users expects a whole number/],
    [{ users: 'ten' }, /--users expects .* got "ten"/],
    [{ users: '5000' }, /--users expects .* from 1 to 1000/],
    [{ users: '' }, /--users expects/],
    [{ duration: '0' }, /--duration expects seconds, more than 0/],
    [{ duration: '-5' }, /--duration expects/],
    [{ requests: '1.5' }, /--requests expects a whole number of requests/],
    [{ rampUp: '-1' }, /--ramp-up expects seconds, 0 or more/],
    [
      { rampUp: '30', duration: '20' },
      /--ramp-up \(30 s\) must be shorter than the duration \(20 s\)/,
    ],
    [{ thinkMs: 'slow' }, /--think-ms expects milliseconds/],
    [{ mix: 'random' }, /--mix expects realistic or distinct, got "random"/],
    [{ mix: 'distinct', questions: 'q.txt' }, /give --mix or --questions, not both/],
    [{ levels: true, users: '5' }, /--levels runs 5, 10, 20, 50 users in turn: leave out --users/],
    [{ url: 'localhost:8000' }, /--url expects an http:\/\/ or https:\/\/ address/],
    [{ url: 'not a url' }, /--url expects a server address like http:\/\/127\.0\.0\.1:8000/],
    [{ url: 'http://127.0.0.1:8000/?x=1' }, /without a query/],
    [{ url: 'http://127.0.0.1:8000', db: 'x.duckdb' }, /--db is for the in-process pool/],
    [{ apiKey: 'k' }, /--api-key goes with --url/],
    [{ p95Ms: '0' }, /--p95-ms expects milliseconds, more than 0/],
    [{ p99Ms: 'fast' }, /--p99-ms expects/],
    [{ maxErrorRate: '5' }, /--max-error-rate expects a share from 0 to 1/],
    [{ minRps: '-1' }, /--min-rps expects requests per second, 0 or more/],
    [{ markdown: '' }, /--markdown expects the file/],
  ])('refuses %o', (options, message) => {
    expect(usageError(options)).toMatch(message);
  });
});
