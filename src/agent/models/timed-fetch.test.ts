import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderTimeoutError, timedFetch } from './timed-fetch.ts';

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** 127.0.0.1: `onSocket` decides what the "provider" does with a connection. */
async function listen(onSocket: (s: Socket) => void): Promise<string> {
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    onSocket(s);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('timedFetch', () => {
  it('gives up on a port that accepts and never answers at the reply-start deadline', async () => {
    const url = await listen(() => {});
    const fetch = timedFetch({ connectTimeoutMs: 200, requestTimeoutMs: 60_000 });
    const started = performance.now();
    const error = await fetch(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderTimeoutError);
    expect(String(error)).toMatch(/timed out/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('bounds the whole call: a reply that starts and then stalls fails, not hangs', async () => {
    const url = await listen((s) =>
      s.once('data', () => s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial')),
    );
    const fetch = timedFetch({ connectTimeoutMs: 5000, requestTimeoutMs: 300 });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const error = await res.text().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderTimeoutError);
  });

  it('leaves the caller’s own abort as it is', async () => {
    const url = await listen(() => {});
    const fetch = timedFetch({ connectTimeoutMs: 5000, requestTimeoutMs: 5000 });
    const error = await fetch(url, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ProviderTimeoutError);
    expect((error as Error).name).toBe('AbortError');
  });
});
