/**
 * A scripted embeddings server for tests, on 127.0.0.1 (a free port), speaking OpenAI's
 * POST /v1/embeddings and Ollama's POST /api/embed. Each text's vector is a deterministic bag of
 * its words hashed into DIMS dimensions and normalized, so texts that share words are close, as
 * with a real model. Every request is recorded; `failWith` makes the next replies errors.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const DIMS = 64;

export interface EmbeddingsServer {
  url: string;
  /** Every request: its path, headers and the texts it asked for. */
  requests: { path: string; authorization?: string; model: string; input: string[] }[];
  /** Answer every following request with this HTTP status (undefined: answer normally). */
  failWith(status: number | undefined): void;
  close(): Promise<void>;
}

/** A bag-of-words vector: each word adds 1 to a dimension chosen by its hash. */
export function wordVector(text: string): number[] {
  const v = Array.from({ length: DIMS }, () => 0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const h = createHash('sha256').update(word).digest();
    v[h[0]! % DIMS]! += 1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

export async function startEmbeddingsServer(): Promise<EmbeddingsServer> {
  const requests: EmbeddingsServer['requests'] = [];
  let failing: number | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        model?: string;
        input?: string | string[];
      };
      const input = typeof body.input === 'string' ? [body.input] : (body.input ?? []);
      const model = body.model ?? '';
      requests.push({
        path: req.url ?? '',
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        model,
        input,
      });
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (failing !== undefined) {
        send(failing, { error: { message: 'scripted failure', type: 'server_error' } });
        return;
      }
      if (req.method === 'POST' && req.url === '/v1/embeddings') {
        send(200, {
          object: 'list',
          // OpenAI may return the items in any order; each carries its index.
          data: input
            .map((text, index) => ({ object: 'embedding', index, embedding: wordVector(text) }))
            .reverse(),
          model,
          usage: { prompt_tokens: input.length * 10, total_tokens: input.length * 10 },
        });
      } else if (req.method === 'POST' && req.url === '/api/embed') {
        send(200, { model, embeddings: input.map(wordVector) });
      } else {
        send(404, { error: `no route ${req.method} ${req.url}` });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failWith: (status) => (failing = status),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
