/**
 * The HTTP edges: unknown query parameters, the Host header, framework errors in the one error
 * format (bad URL encoding, long path segments, bad JSON, __proto__), slow requests and
 * malformed HTTP on a real listening server, and the cleanup of a killed export's scratch folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createCheckpointer } from '../src/agent/index.ts';
import { removeStaleScratchDirs, SCRATCH_PREFIX } from '../src/analytics/export/index.ts';
import { loadConfig } from '../src/config/index.ts';
import type { ErrorBody } from '../src/server/errors.ts';
import { startServer, type RunningServer } from '../src/server/index.ts';
import { openHandMade, tempDir } from './helpers.ts';
import { expectNoInternals, openTestApp } from './server-helpers.ts';

type ErrorFields = ErrorBody['error'];

const UUID = /^[0-9a-f-]{36}$/;

/** The one error format, with the status and code expected. */
function expectError(
  res: { statusCode: number; body: string; json: <T>() => T },
  status: number,
  code: string,
): ErrorFields {
  expect(res.statusCode).toBe(status);
  const body = res.json<ErrorBody>();
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.requestId).toMatch(UUID);
  expectNoInternals(res.body);
  return body.error;
}

describe('the HTTP edges, in process', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ app, close } = await openTestApp());
  });
  afterAll(() => close());

  it('refuses misspelt query parameters, naming each and the right one', async () => {
    const res = await app.inject('/api/export?format=csv&state=TX&scenario=HH');
    const error = expectError(res, 400, 'bad_request:validation');
    expect(error.field).toBe('query.state');
    expect(error.message).toContain(
      'query.state is not a parameter of GET /api/export; did you mean states?',
    );
    expect(error.message).toContain(
      'query.scenario is not a parameter of GET /api/export; did you mean scenarios?',
    );
  });

  it('refuses unknown parameters on the analytics routes too', async () => {
    const res = await app.inject('/api/analytics/overview?stats=TX');
    const error = expectError(res, 400, 'bad_request:validation');
    expect(error.message).toBe(
      'query.stats is not a parameter of GET /api/analytics/overview; did you mean states?',
    );
    const far = await app.inject('/api/analytics/map?colour=red');
    expect(expectError(far, 400, 'bad_request:validation').message).toContain(
      'the parameters are metric, level, scenario, year_range, period, year, states',
    );
    // The right names still work.
    expect((await app.inject('/api/analytics/overview?states=TX')).statusCode).toBe(200);
  });

  it('refuses query parameters on an API route that takes none', async () => {
    const res = await app.inject(`/api/threads/${crypto.randomUUID()}?verbose=1`);
    expect(expectError(res, 400, 'bad_request:validation').message).toBe(
      'query.verbose is not a parameter of GET /api/threads/:id, which takes no query parameters',
    );
  });

  it('answers a bad URL encoding in the error format', async () => {
    const res = await app.inject('/api/threads/%E0%A4%A');
    expect(expectError(res, 400, 'bad_request:bad_url').message).toContain('percent-encoded');
  });

  it('lets the schema judge a 101-character id, and answers a far longer one with 414', async () => {
    const res = await app.inject(`/api/threads/${'a'.repeat(101)}`);
    expect(expectError(res, 400, 'bad_request:validation').field).toBe('params.id');
    const long = await app.inject(`/api/threads/${'a'.repeat(600)}`);
    expectError(long, 414, 'bad_request:url_too_long');
  });

  it('says bad JSON is bad JSON, and names a forbidden key', async () => {
    const post = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/api/ask',
        payload,
        headers: { 'content-type': 'application/json' },
      });
    const bad = expectError(
      await post('{"question":'),
      400,
      'bad_request:fst_err_ctp_invalid_json_body',
    );
    expect(bad.message).toBe('The body is not valid JSON.');
    const proto = await post('{"question": "q", "__proto__": {"admin": true}}');
    expect(expectError(proto, 400, 'bad_request:forbidden_key').message).toBe(
      'The body contains the forbidden key __proto__; rename or remove it.',
    );
    const escaped = await post('{"question": "q", "\\u005f_proto__": {}}');
    expectError(escaped, 400, 'bad_request:forbidden_key');
    const ctor = await post('{"question": "q", "constructor": {"prototype": {}}}');
    expect(expectError(ctor, 400, 'bad_request:forbidden_key').message).toContain(
      'constructor.prototype',
    );
  });

  it('answers only loopback Host names when bound to a loopback address', async () => {
    const evil = await app.inject({
      url: '/api/analytics/overview',
      headers: { host: 'evil.example:8000' },
    });
    expect(expectError(evil, 421, 'bad_request:host_not_allowed').message).toContain(
      'LANDUSE_ALLOWED_HOSTS',
    );
    for (const host of ['localhost:8000', '127.0.0.1:9', '[::1]:8000', 'LOCALHOST']) {
      const ok = await app.inject({ url: '/api/analytics/overview', headers: { host } });
      expect(ok.statusCode, host).toBe(200);
    }
    // app.inject's own default Host (localhost:80) passes.
    expect((await app.inject('/api/analytics/overview')).statusCode).toBe(200);
    // Probes address a server by IP; /health says nothing secret.
    const health = await app.inject({ url: '/health', headers: { host: 'evil.example' } });
    expect(health.statusCode).not.toBe(421);
  });
});

describe('the Host check with other bindings', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const hostStatus = async (env: Record<string, string>, hosts: string[]) => {
    const t = await openTestApp(env);
    cleanups.push(t.close);
    const out: Record<string, number> = {};
    for (const host of hosts) {
      out[host] = (
        await t.app.inject({ url: '/api/analytics/overview', headers: { host } })
      ).statusCode;
    }
    return out;
  };

  it('answers any name when bound to every interface without a list', async () => {
    expect(await hostStatus({ LANDUSE_HOST: '0.0.0.0' }, ['evil.example', 'localhost'])).toEqual({
      'evil.example': 200,
      localhost: 200,
    });
  });

  it('answers only the listed names (and loopback ones) when LANDUSE_ALLOWED_HOSTS is set', async () => {
    expect(
      await hostStatus({ LANDUSE_HOST: '0.0.0.0', LANDUSE_ALLOWED_HOSTS: 'api.example.org' }, [
        'api.example.org:443',
        'evil.example',
        'localhost:8000',
      ]),
    ).toEqual({ 'api.example.org:443': 200, 'evil.example': 421, 'localhost:8000': 200 });
  });
});

/** Raw HTTP on a socket: what the server wrote, once it closed the connection (or the bound passed). */
function rawExchange(
  url: string,
  write: (send: (text: string) => void) => void,
  boundMs: number,
): Promise<{ text: string; closed: boolean; elapsedMs: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(Number(port), hostname);
    let text = '';
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed, elapsedMs: performance.now() - started });
    };
    const timer = setTimeout(() => done(false), boundMs);
    socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
    socket.on('close', () => done(true));
    socket.on('error', () => {});
    socket.on('connect', () => write((t) => socket.write(t)));
  });
}

/** The JSON body of a raw HTTP response. */
function bodyOf(text: string): ErrorBody {
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as ErrorBody;
}

describe('a real listening server', () => {
  let running: RunningServer;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const hand = await openHandMade({ cache: true });
    const checkpointer = createCheckpointer({ kind: 'memory' });
    const config = loadConfig({
      LANDUSE_DB_PATH: hand.db,
      LANDUSE_PORT: '0',
      LANDUSE_HOST: '127.0.0.1',
      LANDUSE_API_RATE_LIMIT: '0',
      LANDUSE_API_DAILY_QUOTA: '0',
      LANDUSE_BODY_TIMEOUT: '1',
    });
    running = await startServer(config, { logger: false, checkpointer, service: hand.service });
    cleanup = async () => {
      await running.close();
      checkpointer.close();
      await hand.cleanup();
    };
  });
  afterAll(() => cleanup());

  it('answers a body that trickles in with 408 in the error format and closes the connection', async () => {
    const host = new URL(running.url).host;
    const r = await rawExchange(
      running.url,
      (send) =>
        send(
          `POST /api/ask HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
        ),
      30_000,
    );
    expect(r.closed).toBe(true);
    expect(r.text).toMatch(/^HTTP\/1\.1 408 /);
    const body = bodyOf(r.text);
    expect(body.error.code).toBe('timeout:request');
    expect(body.error.message).toContain('LANDUSE_BODY_TIMEOUT');
    expect(body.error.requestId).toMatch(UUID);
  }, 40_000);

  it('closes a connection that sends headers slowly', async () => {
    const r = await rawExchange(
      running.url,
      (send) => send('GET /health HTTP/1.1\r\nHost: localhost\r\n'),
      30_000,
    );
    expect(r.closed).toBe(true);
  }, 40_000);

  it('answers malformed HTTP in the error format', async () => {
    const r = await rawExchange(running.url, (send) => send('NOT HTTP AT ALL\r\n\r\n'), 30_000);
    expect(r.closed).toBe(true);
    expect(r.text).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(r.text).error.code).toBe('bad_request:malformed_request');
  }, 40_000);

  it('refuses a foreign Host header and answers its own', async () => {
    const port = new URL(running.url).port;
    const evil = await rawExchange(
      running.url,
      (send) =>
        send(
          `GET /api/analytics/overview HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n`,
        ),
      30_000,
    );
    expect(evil.text).toMatch(/^HTTP\/1\.1 421 /);
    expect(bodyOf(evil.text).error.code).toBe('bad_request:host_not_allowed');
    const ok = await fetch(`http://localhost:${port}/api/analytics/overview`).catch(() =>
      fetch(`${running.url}/api/analytics/overview`),
    );
    expect(ok.status).toBe(200);
  }, 40_000);
});

describe('scratch folders of killed exports', () => {
  it('are removed when their process is gone, and only then', async () => {
    const t = await tempDir();
    try {
      // A process that has exited: its id is free (and very unlikely to be reused this soon).
      const dead = spawnSync(
        process.execPath,
        ['-e', 'process.stdout.write(String(process.pid))'],
        {
          encoding: 'utf8',
        },
      );
      const deadPid = Number(dead.stdout);
      expect(deadPid).toBeGreaterThan(0);
      const names = [
        `${SCRATCH_PREFIX}${deadPid}-abc123`,
        `${SCRATCH_PREFIX}${process.pid}-def456`,
        `${SCRATCH_PREFIX}${process.ppid}-ghi789`,
        'landuse-export-oldstyle',
        'something-else',
      ];
      for (const name of names) {
        await mkdir(join(t.dir, name, 'tmp'), { recursive: true });
        await writeFile(join(t.dir, name, 'scratch.duckdb'), 'x');
      }
      const removed = await removeStaleScratchDirs({ tmpDir: t.dir });
      expect(removed).toEqual([join(t.dir, names[0]!)]);
      expect((await readdir(t.dir)).sort()).toEqual(names.slice(1).sort());
      // This process's own folder made before it started (a restarted container reusing the id).
      const later = await removeStaleScratchDirs({
        tmpDir: t.dir,
        startedAtMs: Date.now() + 60_000,
      });
      expect(later).toEqual([join(t.dir, names[1]!)]);
    } finally {
      await t.cleanup();
    }
  });
});
