import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { createCheckpointer, openThreadStore } from '../agent/index.ts';
import type { Config } from '../config/index.ts';
import { AppError } from '../domain/index.ts';
import { buildApp, openServerDeps, WARM_UP_PATHS } from '../server/index.ts';
import type { LoadRequest } from './mixes.ts';

/** What one request came to. */
export interface Outcome {
  ok: boolean;
  /** Why it failed, as a kind to group by: `HTTP 503 busy:agent`, `timeout`, `network ECONNRESET`, ... */
  error?: string;
  /** The conversation the answer belongs to (ask and chat). */
  threadId?: string;
  /** The tools the agent called (ask and chat). */
  tools?: string[];
  /** Answered from the answer cache (X-Cache: hit). */
  cached?: boolean;
}

/** What a virtual user keeps between its requests: its owner cookie and its current thread. */
export interface UserSession {
  cookie?: string;
  threadId?: string;
  /**
   * The user's own client address (10.x.y.z), so per-client limits (one SQL query at a time,
   * the conversations kept per address) apply per user as they would to real visitors: the
   * in-process app sees it as the connection's address; a server sees it in X-Forwarded-For,
   * which it believes only from a proxy it trusts (LANDUSE_TRUST_PROXY=127.0.0.1).
   */
  address?: string;
}

/** A distinct private address for virtual user `index`. */
export function userAddress(index: number): string {
  return `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
}

/** Where the load goes: the in-process app, or a server by URL. */
export interface Target {
  readonly kind: 'in-process' | 'http';
  /** For the report: the URL, or the database file of the in-process app. */
  readonly where: string;
  send(request: LoadRequest, session: UserSession): Promise<Outcome>;
  /** The Prometheus text of /metrics, or undefined when it cannot be read. */
  metrics(): Promise<string | undefined>;
  close(): Promise<void>;
}

interface HttpCall {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
}

/** The route a request goes to: the same for both targets. */
export function httpCall(request: LoadRequest, session: UserSession): HttpCall {
  switch (request.kind) {
    case 'ask':
    case 'chat': {
      const threadId = request.followUp ? session.threadId : undefined;
      return {
        method: 'POST',
        path: request.kind === 'ask' ? '/api/ask' : '/api/chat',
        body: { question: request.question, ...(threadId ? { threadId } : {}) },
      };
    }
    case 'sql':
      return { method: 'POST', path: '/api/sql', body: { sql: request.sql } };
    case 'analytics':
    case 'export':
      return { method: 'GET', path: request.path };
  }
}

interface Answer {
  threadId?: unknown;
  toolCalls?: { name?: unknown }[];
}

/** What a response came to, from its status, headers and whole body. */
export function outcomeOf(
  request: LoadRequest,
  status: number,
  body: string,
  cacheHeader: string | undefined,
): Outcome {
  if (status < 200 || status > 299) return { ok: false, error: httpError(status, body) };
  if (request.kind === 'ask') {
    const answer = parseJson(body) as Answer | undefined;
    if (!answer) return { ok: false, error: 'bad response: not JSON' };
    return { ok: true, ...answerFields(answer), cached: cacheHeader === 'hit' };
  }
  if (request.kind === 'chat') {
    for (const event of sseEvents(body)) {
      if (event.event === 'final') {
        const answer = parseJson(event.data) as Answer | undefined;
        return answer
          ? { ok: true, ...answerFields(answer) }
          : { ok: false, error: 'stream: final event not JSON' };
      }
      if (event.event === 'error') {
        const code = (parseJson(event.data) as { code?: unknown } | undefined)?.code;
        return { ok: false, error: `stream error ${typeof code === 'string' ? code : 'unknown'}` };
      }
    }
    return { ok: false, error: 'stream ended without a final event' };
  }
  return { ok: true };
}

function answerFields(answer: Answer): Pick<Outcome, 'threadId' | 'tools'> {
  const tools = (answer.toolCalls ?? [])
    .map((t) => t.name)
    .filter((n): n is string => typeof n === 'string');
  return { ...(typeof answer.threadId === 'string' ? { threadId: answer.threadId } : {}), tools };
}

/** `HTTP 503 busy:agent`: the status and the API's error code when the body has one. */
function httpError(status: number, body: string): string {
  const code = (parseJson(body) as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? `HTTP ${status} ${code}` : `HTTP ${status}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The events of a server-sent event stream's text. */
export function sseEvents(text: string): { event: string; data: string }[] {
  const out: { event: string; data: string }[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) out.push({ event, data: data.join('\n') });
  }
  return out;
}

/** Keeps the owner cookie a response set, as a browser would. */
function keepCookie(session: UserSession, setCookie: string | string[] | undefined): void {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const c of all) {
    const pair = c.split(';')[0]!;
    if (pair.startsWith('landuse_owner=')) session.cookie = pair;
  }
}

/**
 * The app in this process, as `landuse serve` builds it (the agent pool, the answer and query
 * caches, the limiters, every route), over the database file, with the per-client rate limit
 * and quota off (every request comes from one address) and the conversations in a temporary
 * SQLite file, removed at the end. Requests go through Fastify's inject: no sockets, the same
 * handlers.
 */
export async function openInProcessTarget(config: Config): Promise<Target> {
  const tmp = await mkdtemp(join(os.tmpdir(), 'landuse-loadtest-'));
  const settings: Config = {
    ...config,
    apiRateLimit: 0,
    apiDailyQuota: 0,
    threadsDbPath: join(tmp, 'threads.sqlite'),
  };
  const checkpointer = settings.enableMemory
    ? openThreadStore(settings)
    : createCheckpointer({ kind: 'memory', maxThreads: settings.maxThreads });
  const cleanup = async () => {
    checkpointer.close();
    await rm(tmp, { recursive: true, force: true });
  };
  const opened = await openServerDeps(settings, { checkpointer }).then(
    async (deps) => {
      try {
        const app = await buildApp(deps, { logger: false });
        await app.ready();
        return { deps, app };
      } catch (error) {
        await deps.close();
        await cleanup();
        throw error;
      }
    },
    async (error: unknown) => {
      await cleanup();
      throw error;
    },
  );
  const { deps, app } = opened;
  const headers = settings.apiKeys[0] ? { 'x-api-key': settings.apiKeys[0] } : {};
  // As the server does before it reports ready: the dashboard's default views are cached.
  for (const url of WARM_UP_PATHS) await app.inject({ method: 'GET', url, headers });
  deps.state.ready = true;
  deps.observability.start();
  return {
    kind: 'in-process',
    where: settings.dbPath,
    async send(request, session) {
      const call = httpCall(request, session);
      const res = await app.inject({
        method: call.method,
        url: call.path,
        headers: { ...headers, ...(session.cookie ? { cookie: session.cookie } : {}) },
        ...(session.address ? { remoteAddress: session.address } : {}),
        ...(call.body ? { payload: call.body } : {}),
      });
      keepCookie(session, res.headers['set-cookie']);
      const cache = res.headers['x-cache'];
      return outcomeOf(
        request,
        res.statusCode,
        res.body,
        typeof cache === 'string' ? cache : undefined,
      );
    },
    async metrics() {
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      return res.statusCode === 200 ? res.body : undefined;
    },
    async close() {
      await app.close();
      await deps.close();
      await cleanup();
    },
  };
}

/**
 * A running server (`landuse serve`, or anything at that URL): fetch over keep-alive
 * connections (Node's built-in undici pool), with the response read to its end (streams and
 * exports too), an owner cookie kept per user, and a time limit per request.
 */
export async function openHttpTarget(
  base: string,
  options: { apiKey?: string; timeoutMs: number },
): Promise<Target> {
  const headers: Record<string, string> = options.apiKey ? { 'x-api-key': options.apiKey } : {};
  try {
    const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
  } catch (error) {
    throw new AppError(
      'loadtest:unreachable',
      `Cannot reach ${base} (${networkError(error)}). Start the server (landuse serve) or check --url.`,
      { cause: error },
    );
  }
  return {
    kind: 'http',
    where: base,
    async send(request, session) {
      const call = httpCall(request, session);
      try {
        const res = await fetch(`${base}${call.path}`, {
          method: call.method,
          headers: {
            ...headers,
            ...(session.cookie ? { cookie: session.cookie } : {}),
            ...(session.address ? { 'x-forwarded-for': session.address } : {}),
            ...(call.body ? { 'content-type': 'application/json' } : {}),
          },
          ...(call.body ? { body: JSON.stringify(call.body) } : {}),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        keepCookie(session, res.headers.getSetCookie());
        const body = await res.text();
        return outcomeOf(request, res.status, body, res.headers.get('x-cache') ?? undefined);
      } catch (error) {
        return { ok: false, error: networkError(error) };
      }
    },
    async metrics() {
      try {
        const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) });
        const text = await res.text();
        return res.ok ? text : undefined;
      } catch {
        return undefined;
      }
    },
    close: () => Promise.resolve(),
  };
}

/** A failed fetch as a kind: `timeout`, `network ECONNREFUSED`, ... */
function networkError(error: unknown): string {
  const e = error as { name?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timeout';
  const code = e.cause?.code;
  if (code) return `network ${code}`;
  return `network ${e.cause?.message ?? (error instanceof Error ? error.message : String(error))}`;
}
