/**
 * OpenTelemetry traces, when LANDUSE_OTEL_ENDPOINT is set: each request a server span, each agent
 * run an `invoke_agent` span, each model call a `chat {model}` span and each tool call an
 * `execute_tool {tool}` span, with the GenAI semantic conventions' attributes, exported in
 * batches over OTLP/HTTP (JSON) to `{endpoint}/v1/traces`. A caller's `traceparent` header joins
 * its trace. Unset, nothing here runs: every hook checks one variable first.
 *
 * The spans are written here rather than through the OpenTelemetry SDK: the collector already
 * knows when each operation ends and how long it took, and OTLP/JSON is a small, stable format.
 */
import { randomBytes } from 'node:crypto';

/** OTLP attribute: one key and a typed value. */
interface Attribute {
  key: string;
  value:
    | { stringValue: string }
    | { intValue: string }
    | { doubleValue: number }
    | { boolValue: boolean };
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 internal, 2 server, 3 client. */
  kind: 1 | 2 | 3;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attribute[];
  /** 1 ok, 2 error. */
  status: { code: 0 | 1 | 2; message?: string };
}

/** Where a span sits: its trace and its parent. */
export interface SpanContext {
  traceId: string;
  spanId: string;
}

export type AttributeValue = string | number | boolean | undefined;

function attributes(values: Record<string, AttributeValue>): Attribute[] {
  const out: Attribute[] = [];
  for (const [key, v] of Object.entries(values)) {
    if (v === undefined) continue;
    if (typeof v === 'string') out.push({ key, value: { stringValue: v } });
    else if (typeof v === 'boolean') out.push({ key, value: { boolValue: v } });
    else if (Number.isInteger(v)) out.push({ key, value: { intValue: String(v) } });
    else out.push({ key, value: { doubleValue: v } });
  }
  return out;
}

/** Nanoseconds since the epoch of a performance.now() reading. */
function unixNano(perfMs: number): string {
  return String(BigInt(Math.round((performance.timeOrigin + perfMs) * 1000)) * 1000n);
}

export const newTraceId = (): string => randomBytes(16).toString('hex');
export const newSpanId = (): string => randomBytes(8).toString('hex');

/** A W3C traceparent header's trace and parent span, when it is well formed and sampled. */
export function parseTraceparent(header: string | undefined): SpanContext | undefined {
  const m = header ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(header.trim()) : null;
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, spanId: m[2]! };
}

export interface ExporterOptions {
  endpoint: string;
  serviceName: string;
  /** Milliseconds between two exports (default 2000). */
  flushMs?: number;
  /** Spans held at most; beyond, new spans are dropped (counted). */
  maxQueue?: number;
  timeoutMs?: number;
  log?: (message: string) => void;
}

/** Spans batched and POSTed as OTLP/HTTP JSON; a failed export is dropped, never retried forever. */
export class SpanExporter {
  private queue: Span[] = [];
  private timer: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();
  dropped = 0;
  exported = 0;

  constructor(private readonly options: ExporterOptions) {
    this.timer = setInterval(() => void this.flush(), options.flushMs ?? 2000).unref();
  }

  add(span: Span): void {
    if (this.queue.length >= (this.options.maxQueue ?? 2048)) {
      this.dropped++;
      return;
    }
    this.queue.push(span);
  }

  /** Sends what is queued; resolves when it is sent or given up. */
  flush(): Promise<void> {
    const spans = this.queue;
    if (spans.length === 0) return this.sending;
    this.queue = [];
    this.sending = this.sending.then(() => this.post(spans));
    return this.sending;
  }

  private async post(spans: Span[]): Promise<void> {
    const body = {
      resourceSpans: [
        {
          resource: {
            attributes: attributes({
              'service.name': this.options.serviceName,
              'telemetry.sdk.language': 'nodejs',
            }),
          },
          scopeSpans: [{ scope: { name: 'landuse', version: '1' }, spans }],
        },
      ],
    };
    try {
      const res = await fetch(`${this.options.endpoint.replace(/\/+$/, '')}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this.exported += spans.length;
    } catch (error) {
      this.dropped += spans.length;
      this.options.log?.(
        `traces: ${spans.length} spans not exported (${error instanceof Error ? error.message : 'failed'})`,
      );
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/** Makes a finished span: `startMs` and `endMs` are performance.now() readings. */
export function span(props: {
  traceId: string;
  parentSpanId?: string | undefined;
  spanId?: string;
  name: string;
  kind: 1 | 2 | 3;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue>;
  error?: string | undefined;
}): Span {
  return {
    traceId: props.traceId,
    spanId: props.spanId ?? newSpanId(),
    ...(props.parentSpanId ? { parentSpanId: props.parentSpanId } : {}),
    name: props.name,
    kind: props.kind,
    startTimeUnixNano: unixNano(props.startMs),
    endTimeUnixNano: unixNano(props.endMs),
    attributes: attributes(props.attributes),
    status: props.error ? { code: 2, message: props.error } : { code: 0 },
  };
}
