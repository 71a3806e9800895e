import { AppError } from '../domain/index.ts';
import type { Slo } from './slo.ts';

/** The guide's four load levels: light, medium, heavy and stress. */
export const LEVELS = [5, 10, 20, 50] as const;

/** What `landuse loadtest` is given, as commander hands it over (text, or true for a flag). */
export interface LoadTestOptions {
  users?: string;
  rampUp?: string;
  duration?: string;
  requests?: string;
  thinkMs?: string;
  mix?: string;
  questions?: string;
  url?: string;
  apiKey?: string;
  levels?: boolean;
  p95Ms?: string;
  p99Ms?: string;
  maxErrorRate?: string;
  minRps?: string;
  json?: boolean;
  markdown?: string;
  db?: string;
}

/** A checked plan: what to run, against what, and what it must reach. */
export interface LoadTestPlan {
  /** The user count of each level, in turn. */
  levels: number[];
  rampUpSeconds: number;
  durationSeconds?: number;
  requests?: number;
  thinkMs: number;
  mix: { kind: 'realistic' | 'distinct' } | { kind: 'file'; path: string };
  target: { kind: 'in-process'; db?: string } | { kind: 'http'; url: string; apiKey?: string };
  slo: Slo;
  json: boolean;
  markdown?: string;
  /** Milliseconds before an HTTP request is given up as a timeout. */
  timeoutMs: number;
}

/** Without --duration or --requests, each level runs this long. */
export const DEFAULT_DURATION_SECONDS = 30;
/** Without --users or --levels. */
export const DEFAULT_USERS = 10;
const MAX_USERS = 1000;
const MAX_SECONDS = 86_400;

function usage(message: string): AppError {
  return new AppError('usage:loadtest', message);
}

/** A number from an option's text, within bounds, or a usage error naming the option. */
function number(
  text: string | undefined,
  option: string,
  check: { min: number; max?: number; integer?: boolean; above?: boolean; what: string },
): number | undefined {
  if (text === undefined) return undefined;
  const n = text.trim() === '' ? Number.NaN : Number(text);
  const ok =
    Number.isFinite(n) &&
    (check.above ? n > check.min : n >= check.min) &&
    (check.max === undefined || n <= check.max) &&
    (!check.integer || Number.isInteger(n));
  if (!ok) throw usage(`${option} expects ${check.what}, got "${text}".`);
  return n;
}

/**
 * The options checked and completed with their defaults; a bad value or a contradiction is a
 * usage error (exit 2) that says what is expected.
 */
export function resolvePlan(o: LoadTestOptions): LoadTestPlan {
  const users = number(o.users, '--users', {
    min: 1,
    max: MAX_USERS,
    integer: true,
    what: `a whole number of users from 1 to ${MAX_USERS}`,
  });
  if (o.levels && users !== undefined) {
    throw usage(
      `--levels runs ${LEVELS.join(', ')} users in turn: leave out --users, or leave out --levels.`,
    );
  }
  const rampUpSeconds =
    number(o.rampUp, '--ramp-up', {
      min: 0,
      max: MAX_SECONDS,
      what: 'seconds, 0 or more',
    }) ?? 0;
  const duration = number(o.duration, '--duration', {
    min: 0,
    above: true,
    max: MAX_SECONDS,
    what: `seconds, more than 0 and at most ${MAX_SECONDS}`,
  });
  const requests = number(o.requests, '--requests', {
    min: 1,
    integer: true,
    max: 1e9,
    what: 'a whole number of requests, 1 or more',
  });
  const durationSeconds =
    duration ?? (requests === undefined ? DEFAULT_DURATION_SECONDS : undefined);
  if (durationSeconds !== undefined && rampUpSeconds >= durationSeconds) {
    throw usage(
      `--ramp-up (${rampUpSeconds} s) must be shorter than the duration (${durationSeconds} s), or the last users would never start.`,
    );
  }
  const thinkMs =
    number(o.thinkMs, '--think-ms', {
      min: 0,
      max: 3_600_000,
      what: 'milliseconds, 0 or more',
    }) ?? 0;

  if (o.mix !== undefined && !['realistic', 'distinct'].includes(o.mix)) {
    throw usage(`--mix expects realistic or distinct, got "${o.mix}".`);
  }
  if (o.mix !== undefined && o.questions !== undefined) {
    throw usage(
      '--questions FILE replaces the built-in mixes: give --mix or --questions, not both.',
    );
  }
  if (o.questions !== undefined && o.questions.trim() === '') {
    throw usage('--questions expects a file (one question per line, or JSON lines).');
  }
  const mix: LoadTestPlan['mix'] =
    o.questions !== undefined
      ? { kind: 'file', path: o.questions }
      : { kind: (o.mix ?? 'realistic') as 'realistic' | 'distinct' };

  let target: LoadTestPlan['target'];
  if (o.url !== undefined) {
    if (o.db !== undefined) {
      throw usage('--db is for the in-process pool; a server at --url reads its own database.');
    }
    target = {
      kind: 'http',
      url: serverUrl(o.url),
      ...(o.apiKey !== undefined ? { apiKey: o.apiKey } : {}),
    };
  } else {
    if (o.apiKey !== undefined) throw usage('--api-key goes with --url (a server to call).');
    target = { kind: 'in-process', ...(o.db !== undefined ? { db: o.db } : {}) };
  }

  const slo: Slo = {};
  const p95 = number(o.p95Ms, '--p95-ms', {
    min: 0,
    above: true,
    what: 'milliseconds, more than 0',
  });
  const p99 = number(o.p99Ms, '--p99-ms', {
    min: 0,
    above: true,
    what: 'milliseconds, more than 0',
  });
  const rate = number(o.maxErrorRate, '--max-error-rate', {
    min: 0,
    max: 1,
    what: 'a share from 0 to 1 (0.01 is 1 %)',
  });
  const rps = number(o.minRps, '--min-rps', { min: 0, what: 'requests per second, 0 or more' });
  if (p95 !== undefined) slo.p95Ms = p95;
  if (p99 !== undefined) slo.p99Ms = p99;
  if (rate !== undefined) slo.maxErrorRate = rate;
  if (rps !== undefined) slo.minRps = rps;
  if (o.markdown !== undefined && o.markdown.trim() === '') {
    throw usage('--markdown expects the file to write the report to.');
  }

  return {
    levels: o.levels ? [...LEVELS] : [users ?? DEFAULT_USERS],
    rampUpSeconds,
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(requests !== undefined ? { requests } : {}),
    thinkMs,
    mix,
    target,
    slo,
    json: o.json === true,
    ...(o.markdown !== undefined ? { markdown: o.markdown } : {}),
    timeoutMs: 30_000,
  };
}

/** http(s)://host[:port][/path], without a trailing slash. */
function serverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usage(`--url expects a server address like http://127.0.0.1:8000, got "${text}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usage(`--url expects an http:// or https:// address, got "${text}".`);
  }
  if (url.search || url.hash) {
    throw usage(`--url expects the server's address without a query, got "${text}".`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
