/**
 * Counters and histograms for the hot paths (every request, query, cache lookup, model and tool
 * call), registered in the prom-client registry like its own metrics and exposed the same way.
 * prom-client checks the label names and hashes the label object on every observation, a few
 * microseconds each; here a series is found by its label values joined, and the exposition is
 * built only when /metrics is scraped. A label whose value is '' is left out of its series (as
 * Prometheus reads an empty label), for labels such as error_type that only some series carry.
 */
import type { Registry } from 'prom-client';

interface Series {
  labels: Record<string, string>;
  value: number;
}

interface HistogramSeries {
  labels: Record<string, string>;
  /** Per bucket (not cumulative); the last is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** A sample as prom-client's registry formats it. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

abstract class Lite {
  abstract readonly type: 'counter' | 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    protected readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  protected labelsOf(values: readonly string[]): Record<string, string> {
    const labels: Record<string, string> = {};
    this.labelNames.forEach((name, i) => {
      const v = values[i] ?? '';
      if (v !== '') labels[name] = v;
    });
    return labels;
  }

  abstract samples(): Sample[];

  /** What prom-client's registry reads at scrape time. */
  get(): Promise<{
    name: string;
    help: string;
    type: string;
    values: Sample[];
    aggregator: string;
  }> {
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      values: this.samples(),
      aggregator: this.aggregator,
    });
  }
}

export class LiteCounter extends Lite {
  readonly type = 'counter';
  private readonly series = new Map<string, Series>();

  /** Adds `by` to the series of these label values (in labelNames order). */
  inc(values: readonly string[], by = 1): void {
    const key = values.join('\u001f');
    let s = this.series.get(key);
    if (!s) {
      s = { labels: this.labelsOf(values), value: 0 };
      this.series.set(key, s);
    }
    s.value += by;
  }

  samples(): Sample[] {
    return [...this.series.values()].map((s) => ({ labels: s.labels, value: s.value }));
  }
}

export class LiteHistogram extends Lite {
  readonly type = 'histogram';
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    super(name, help, labelNames, registry);
  }

  observe(values: readonly string[], value: number): void {
    const key = values.join('\u001f');
    let s = this.series.get(key);
    if (!s) {
      s = {
        labels: this.labelsOf(values),
        counts: new Float64Array(this.bounds.length + 1),
        sum: 0,
        count: 0,
      };
      this.series.set(key, s);
    }
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  samples(): Sample[] {
    const out: Sample[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.counts[i]!;
        out.push({
          labels: { ...s.labels, le },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      out.push({
        labels: { ...s.labels, le: '+Inf' },
        value: s.count,
        metricName: `${this.name}_bucket`,
      });
      out.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      out.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return out;
  }
}
