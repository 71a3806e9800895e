/**
 * A scripted model server for tests: it listens on 127.0.0.1 (a free port), answers each request
 * with the next reply of its script in the protocol of the caller (JSON, or SSE when the request
 * asks to stream), and records every request body so tests can see what the model was sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted reply. */
export type Reply =
  /** The model calls a tool. `rawArgs` sends the arguments text as given (malformed JSON). */
  | { tool: string; args?: Record<string, unknown>; rawArgs?: string; text?: string }
  /** The model answers with text. */
  | { text: string }
  /** An HTTP error with the protocol's error body. */
  | { status: number; message?: string; headers?: Record<string, string> }
  /** No answer at all: the client's timeout has to end it. */
  | { hang: true }
  /** The connection is dropped after the request is read (the client sees a reset). */
  | { reset: true };

/**
 * Picks the reply to a request from what it carries (for concurrent conversations, where a
 * fixed order would hand one conversation's reply to another). `n` counts requests from 1.
 */
export type Responder = (request: RecordedRequest, n: number) => Reply;

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  stream: boolean;
}

/** Writes one non-error reply in a protocol's shape. */
export type Render = (
  reply: Exclude<Reply, { status: number } | { hang: true } | { reset: true }>,
  request: RecordedRequest,
  res: ServerResponse,
  n: number,
) => void;

export interface ScriptedServer {
  /** The base URL, e.g. http://127.0.0.1:54321 */
  url: string;
  requests: RecordedRequest[];
  /** Replies not yet sent. */
  remaining(): number;
  close(): Promise<void>;
}

export async function startScriptedServer(
  script: Reply[] | Responder,
  protocol: { render: Render; errorBody: (status: number, message: string) => unknown },
  options: { delayMs?: number } = {},
): Promise<ScriptedServer> {
  const queue = typeof script === 'function' ? [] : [...script];
  const respond = typeof script === 'function' ? script : undefined;
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const request: RecordedRequest = {
        path: req.url ?? '',
        headers: req.headers,
        body,
        stream: body.stream === true,
      };
      requests.push(request);
      const reply = respond ? respond(request, requests.length) : queue.shift();
      if (!reply) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(protocol.errorBody(500, 'script exhausted')));
        return;
      }
      if ('hang' in reply) return;
      if ('reset' in reply) {
        req.socket.resetAndDestroy();
        return;
      }
      if ('status' in reply) {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(
          JSON.stringify(protocol.errorBody(reply.status, reply.message ?? 'scripted error')),
        );
        return;
      }
      const n = requests.length;
      // A model's thinking time, for benchmarks that measure what the agent adds on top.
      if (options.delayMs)
        setTimeout(() => protocol.render(reply, request, res, n), options.delayMs);
      else protocol.render(reply, request, res, n);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    remaining: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        // A hanging reply keeps its connection open: end it so close() returns.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a server-sent event stream: `event:` lines only where the protocol names events. */
export function writeSse(
  res: ServerResponse,
  events: { event?: string; data: unknown }[],
  done?: string,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) {
    if (e.event) res.write(`event: ${e.event}\n`);
    res.write(`data: ${JSON.stringify(e.data)}\n\n`);
  }
  if (done) res.write(`data: ${done}\n\n`);
  res.end();
}

export function writeJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
