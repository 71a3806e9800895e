/**
 * OpenTelemetry traces (LANDUSE_OTEL_ENDPOINT): a local OTLP/HTTP receiver on 127.0.0.1 gets, for
 * one question, the request's server span (joined to the caller's traceparent), the agent run,
 * its model calls and its tool call, with the GenAI attributes; unset, nothing is traced; an
 * endpoint that does not answer costs the request nothing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp } from './server-helpers.ts';
import { startOpenAIServer } from './scripted/openai.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  status: { code: number };
}
interface OtlpBody {
  resourceSpans: {
    resource: { attributes: { key: string; value: Record<string, unknown> }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver() {
  const bodies: OtlpBody[] = [];
  const paths: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const spans = () =>
    bodies.flatMap((b) => b.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    paths,
    spans,
  };
}

const attr = (s: OtlpSpan | undefined, key: string) => {
  const v = s?.attributes.find((a) => a.key === key)?.value;
  return v ? Object.values(v)[0] : undefined;
};

async function app(env: Record<string, string>) {
  const t = await openTestApp(env);
  cleanups.push(t.close);
  return t;
}

describe('traces', () => {
  it("sends the request, the agent run, its model calls and its tool call, under the caller's trace", async () => {
    const otlp = await receiver();
    const { app: server, deps } = await app({ LANDUSE_OTEL_ENDPOINT: otlp.url });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const res = await server.inject({
      method: 'POST',
      url: '/api/ask',
      headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
      payload: { question: 'How much forest is in Alabama?', provider: 'offline' },
    });
    expect(res.statusCode).toBe(200);
    const { threadId } = res.json<{ threadId: string }>();
    await deps.observability.traces!.flush();
    expect(otlp.paths).toEqual([`POST /v1/traces application/json`]);
    expect(
      attr(
        { attributes: otlp.bodies[0]!.resourceSpans[0]!.resource.attributes } as OtlpSpan,
        'service.name',
      ),
    ).toBe('landuse');
    const spans = otlp.spans();
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    const request = spans.find((s) => s.name === 'POST /api/ask');
    const agent = spans.find((s) => s.name === 'invoke_agent landuse');
    const models = spans.filter((s) => s.name === 'chat offline-planner');
    const tools = spans.filter((s) => s.name.startsWith('execute_tool '));
    expect(request).toMatchObject({ parentSpanId: callerSpan, kind: 2, status: { code: 0 } });
    expect(attr(request, 'http.route')).toBe('/api/ask');
    expect(attr(request, 'http.response.status_code')).toBe('200');
    expect(agent?.parentSpanId).toBe(request?.spanId);
    expect(attr(agent, 'gen_ai.operation.name')).toBe('invoke_agent');
    expect(attr(agent, 'gen_ai.provider.name')).toBe('offline');
    expect(attr(agent, 'gen_ai.conversation.id')).toBe(threadId);
    expect(models).toHaveLength(2);
    expect(tools).toHaveLength(1);
    for (const s of [...models, ...tools]) expect(s.parentSpanId).toBe(agent?.spanId);
    expect(attr(models[0], 'gen_ai.request.model')).toBe('offline-planner');
    expect(attr(tools[0], 'gen_ai.tool.name')).toBe(tools[0]?.name.replace('execute_tool ', ''));
    for (const s of spans) {
      expect(BigInt(s.endTimeUnixNano) >= BigInt(s.startTimeUnixNano), s.name).toBe(true);
    }
    // The agent run lies within the request.
    expect(BigInt(agent!.startTimeUnixNano) >= BigInt(request!.startTimeUnixNano)).toBe(true);
    expect(BigInt(agent!.endTimeUnixNano) <= BigInt(request!.endTimeUnixNano)).toBe(true);
  });

  it("names an LLM call's model and tokens, as a client span", async () => {
    const otlp = await receiver();
    const model = await startOpenAIServer([
      { tool: 'compare_states', args: { metric: 'urban_expansion' } },
      { text: 'Alabama leads.' },
    ]);
    cleanups.push(() => model.close());
    const { app: server, deps } = await app({
      LANDUSE_OTEL_ENDPOINT: otlp.url,
      LANDUSE_PROVIDER: 'openai-compatible',
      LANDUSE_BASE_URL: model.url,
      LANDUSE_MODEL: 'scripted-model',
    });
    const res = await server.inject({
      method: 'POST',
      url: '/api/ask',
      payload: { question: 'Which states have the most urban expansion?' },
    });
    expect(res.statusCode).toBe(200);
    await deps.observability.traces!.flush();
    const calls = otlp.spans().filter((s) => s.name === 'chat scripted-model');
    expect(calls).toHaveLength(2);
    expect(calls.map((s) => s.kind)).toEqual([3, 3]);
    expect(
      calls.map((s) => [
        attr(s, 'gen_ai.usage.input_tokens'),
        attr(s, 'gen_ai.usage.output_tokens'),
      ]),
    ).toEqual([
      ['120', '30'],
      ['120', '30'],
    ]);
    expect(attr(calls[0], 'gen_ai.provider.name')).toBe('openai-compatible');
    // A new trace when the caller sends none: one trace id for the request's spans.
    expect(new Set(otlp.spans().map((s) => s.traceId)).size).toBe(1);
  });

  it('traces nothing when unset, and an endpoint that does not answer costs the request nothing', async () => {
    const off = await app({});
    expect(off.deps.observability.traces).toBeUndefined();
    const gone = await app({ LANDUSE_OTEL_ENDPOINT: 'http://127.0.0.1:9' });
    const res = await gone.app.inject({
      method: 'POST',
      url: '/api/ask',
      payload: { question: 'How much forest is in Alabama?', provider: 'offline' },
    });
    expect(res.statusCode).toBe(200);
    const traces = gone.deps.observability.traces!;
    await traces.flush();
    expect(traces.exported).toBe(0);
    expect(traces.dropped).toBeGreaterThanOrEqual(4);
  });
});
