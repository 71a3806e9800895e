/** The HTTP API as the web app reads it: JSON fetches, errors with their codes, the chat stream. */

export type Row = Record<string, unknown>;

export interface Table {
  title: string;
  columns: string[];
  rows: Row[];
}

export interface ToolCall {
  name: string;
  args: Record<string, unknown>;
  rows?: number;
  durationMs?: number;
  ok?: boolean;
  /** The SQL the tool ran (absent for a tool that ran none, or a thread read back from the server). */
  sql?: string;
  /** The values of the SQL's $1, $2 ... placeholders. */
  params?: unknown[];
}

/** A knowledge document an answer quotes, served at `ref` (/knowledge/<doc>#<section>). */
export interface Source {
  title: string;
  section: string;
  ref: string;
}

export interface AskResult {
  answer: string;
  tables: Table[];
  sources: Source[];
  toolCalls: ToolCall[];
  scenario: string[];
  years: { start: number; end: number } | null;
  dataset: string;
  provider: string;
  threadId: string;
  followUps: string[];
  timings: { totalMs: number };
}

/** An error the API answered: `{error: {code, message}}`, with the status and Retry-After. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  const retry = Number(res.headers.get('retry-after'));
  let code = `http:${res.status}`;
  let message = `The server answered ${res.status} ${res.statusText}.`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(
    res.status,
    code,
    message,
    Number.isFinite(retry) && retry > 0 ? retry : null,
  );
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { credentials: 'same-origin', ...init });
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export function postJson<T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return getJson<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/** A URL with query parameters, leaving out empty ones. */
export function withQuery(
  path: string,
  params: Record<string, string | number | undefined | null>,
) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export type ChatEvent =
  | { type: 'token'; text: string }
  | { type: 'tool_start'; name: string; args: Record<string, unknown> }
  | ({ type: 'tool_end' } & ToolCall)
  | ({ type: 'table' } & Table)
  | { type: 'heartbeat' }
  | { type: 'final'; result: AskResult }
  | { type: 'error'; code: string; message: string };

/**
 * POST /api/chat, calling `onEvent` for each server-sent event as it arrives. A refusal before
 * the stream opens (400, 404, 503 busy) throws an ApiError with its Retry-After.
 */
export async function streamChat(
  body: { question: string; threadId?: string },
  onEvent: (e: ChatEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await fetch('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });
  if (!res.ok || !res.body) throw await errorOf(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length === 0) continue;
      const payload = JSON.parse(data.join('\n')) as Record<string, unknown>;
      if (event === 'final') onEvent({ type: 'final', result: payload as unknown as AskResult });
      else onEvent({ type: event, ...payload } as ChatEvent);
    }
  }
}

export interface Health {
  status: string;
  dataset: string;
  uptimeSeconds: number;
  checks: Record<string, { status: string; detail: string } & Record<string, unknown>>;
}

/** GET /health: answered with 503 when unhealthy, but the body is still the report. */
export async function getHealth(): Promise<Health> {
  const res = await fetch('/health', { credentials: 'same-origin' });
  return (await res.json()) as Health;
}
