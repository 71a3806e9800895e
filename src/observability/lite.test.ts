import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LiteCounter, LiteHistogram } from './lite.ts';

describe('lite metrics', () => {
  it('expose counters and cumulative histograms through the prom-client registry', async () => {
    const registry = new Registry();
    const counter = new LiteCounter('x_total', 'Xs.', ['kind', 'error'], registry);
    const histogram = new LiteHistogram('y_seconds', 'Ys.', ['route'], [0.1, 1], registry);
    counter.inc(['a', '']);
    counter.inc(['a', ''], 2);
    counter.inc(['b', 'timeout']);
    for (const v of [0.05, 0.1, 0.5, 2]) histogram.observe(['/api/ask'], v);
    expect(await registry.metrics()).toBe(
      [
        '# HELP x_total Xs.',
        '# TYPE x_total counter',
        'x_total{kind="a"} 3',
        'x_total{kind="b",error="timeout"} 1',
        '',
        '# HELP y_seconds Ys.',
        '# TYPE y_seconds histogram',
        'y_seconds_bucket{route="/api/ask",le="0.1"} 2',
        'y_seconds_bucket{route="/api/ask",le="1"} 3',
        'y_seconds_bucket{route="/api/ask",le="+Inf"} 4',
        'y_seconds_sum{route="/api/ask"} 2.65',
        'y_seconds_count{route="/api/ask"} 4',
        '',
      ].join('\n'),
    );
  });
});
