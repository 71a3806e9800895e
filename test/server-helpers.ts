import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createCheckpointer } from '../src/agent/index.ts';
import type { Analytics } from '../src/analytics/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { buildApp, openServerDeps, type ServerDeps } from '../src/server/index.ts';
import { openHandMade } from './helpers.ts';

/**
 * The server over the hand-made fixture, in process: the real app, pools and DuckDB, an
 * in-memory conversation store, no logging. `env` overrides settings (LANDUSE_* keys).
 */
export async function openTestApp(
  env: Record<string, string> = {},
  options: {
    /** Wraps the analytics (to slow or count the tools). */
    analytics?: (analytics: Analytics) => Analytics;
    historyPath?: string;
  } = {},
): Promise<{
  app: FastifyInstance;
  deps: ServerDeps;
  db: string;
  close: () => Promise<void>;
}> {
  const hand = await openHandMade({ cache: true, poolSize: 2 });
  const checkpointer = createCheckpointer({ kind: 'memory' });
  const config = loadConfig({
    LANDUSE_DB_PATH: hand.db,
    LANDUSE_API_RATE_LIMIT: '0',
    LANDUSE_API_DAILY_QUOTA: '0',
    ...env,
  });
  const { analytics, ...depOptions } = options;
  const service = analytics
    ? { ...hand.service, analytics: analytics(hand.service.analytics) }
    : hand.service;
  const deps = await openServerDeps(config, { service, checkpointer, ...depOptions });
  const app = await buildApp(deps, { logger: false });
  await app.ready();
  return {
    app,
    deps,
    db: hand.db,
    close: async () => {
      await app.close();
      await deps.close();
      checkpointer.close();
      await hand.cleanup();
    },
  };
}

/** No stack frames, file paths or SQL in a response body. */
export function expectNoInternals(body: string): void {
  expect(body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|SELECT /);
}

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

/** The fields these tests read from response bodies (each route fills some of them). */
export interface Body {
  dataset: string;
  notice: string | null;
  title: string;
  columns: string[];
  rows: Row[];
  values: Row[];
  land_use: Row[];
  tables: {
    name: string;
    kind: string;
    description: string;
    rowCount: number | null;
    columns: { name: string; type: string; nullable: boolean }[];
  }[];
  examples: { title: string; sql: string }[];
  figures: Record<string, Cell>;
  geography: { states: string[] };
  matrix: { uses: string[]; acres: number[][] };
  notes: string[];
  truncated: boolean;
  elapsedMs: number;
  error: { code: string; message: string; field?: string; requestId: string };
  paths: Record<
    string,
    {
      get?: {
        tags: string[];
        summary: string;
        parameters: { name: string; schema: { enum?: string[] } }[];
      };
    }
  >;
}

/**
 * A visitor's owner cookie (`landuse_owner=...`), as a browser would keep it: without API keys,
 * conversations belong to the cookie the server issued, so a test that continues, reads or
 * deletes a thread sends it back.
 */
export async function visitorCookie(app: FastifyInstance): Promise<string> {
  const res = await app.inject('/api/threads');
  const set = res.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  if (!first) throw new Error('The server issued no owner cookie.');
  return first.split(';')[0]!;
}
