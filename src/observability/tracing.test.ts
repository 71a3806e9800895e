import { describe, expect, it } from 'vitest';
import { newSpanId, newTraceId, parseTraceparent, span } from './tracing.ts';

describe('tracing', () => {
  it('reads a W3C traceparent, and refuses a malformed or all-zero one', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
    for (const bad of [
      undefined,
      '',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
    ]) {
      expect(parseTraceparent(bad), String(bad)).toBeUndefined();
    }
    expect(newTraceId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSpanId()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('writes spans in OTLP JSON: nanosecond times, typed attributes, an error status', () => {
    const s = span({
      traceId: 'a'.repeat(32),
      parentSpanId: 'b'.repeat(16),
      name: 'chat m',
      kind: 3,
      startMs: 1000,
      endMs: 1012.5,
      attributes: {
        'gen_ai.request.model': 'm',
        'gen_ai.usage.input_tokens': 7,
        ratio: 0.5,
        ok: true,
        gone: undefined,
      },
      error: 'timeout',
    });
    expect(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)).toBe(12_500_000n);
    expect(s.attributes).toEqual([
      { key: 'gen_ai.request.model', value: { stringValue: 'm' } },
      { key: 'gen_ai.usage.input_tokens', value: { intValue: '7' } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'ok', value: { boolValue: true } },
    ]);
    expect(s).toMatchObject({
      parentSpanId: 'b'.repeat(16),
      kind: 3,
      status: { code: 2, message: 'timeout' },
    });
  });
});
