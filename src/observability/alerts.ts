/**
 * Alerts on the sliding window (window.ts), with thresholds from the configuration (the original
 * guide's by default): p95 response time over 5 s, resident memory over 1 GB, server errors over
 * 5 % of requests, a cache hit rate under 50 % once there is traffic, and saturated pools. The
 * same names and thresholds are in deploy/prometheus/alerts.yml, for Prometheus.
 *
 * Hysteresis: an alert fires when its figure crosses the threshold, and resolves only once the
 * figure is back by a tenth of the threshold (p95 under 4.5 s for a 5 s threshold; a hit rate
 * over 55 % for 50 %), or there is no longer enough traffic to tell.
 */
import type { WindowFigures } from './window.ts';

export const ALERT_NAMES = [
  'LanduseHighResponseTime',
  'LanduseHighMemory',
  'LanduseHighErrorRate',
  'LanduseLowCacheHitRate',
  'LandusePoolSaturated',
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

/** How far back past its threshold a figure must come for its alert to resolve. */
export const HYSTERESIS = 0.1;

export interface AlertThresholds {
  /** p95 of request durations, seconds (LANDUSE_ALERT_RESPONSE_TIME). */
  p95Seconds: number;
  /** Resident memory, bytes (LANDUSE_ALERT_MEMORY). */
  memoryBytes: number;
  /** Share of requests that are server errors (LANDUSE_ALERT_ERROR_RATE). */
  errorRate: number;
  /** Share of cache lookups that hit, below which the alert fires (LANDUSE_ALERT_CACHE_HIT_RATE). */
  cacheHitRate: number;
  /** Mean share of pool slots busy or waited for (LANDUSE_ALERT_POOL_SATURATION). */
  poolSaturation: number;
  /** Requests (and cache lookups) in the window below which the rate alerts stay quiet. */
  minRequests: number;
}

type Unit = 'seconds' | 'bytes' | 'ratio';

interface Rule {
  name: AlertName;
  severity: 'warning' | 'critical';
  /** 'above': fires over the threshold; 'below': under it. */
  direction: 'above' | 'below';
  threshold: number;
  unit: Unit;
  /** What the figure is, for messages. */
  what: string;
  /** The figure now, or null when there is not enough traffic to judge. */
  value(w: WindowFigures): number | null;
}

export function alertRules(t: AlertThresholds): Rule[] {
  const enough = (w: WindowFigures) => w.requests >= t.minRequests;
  return [
    {
      name: 'LanduseHighResponseTime',
      severity: 'warning',
      direction: 'above',
      threshold: t.p95Seconds,
      unit: 'seconds',
      what: 'p95 response time',
      value: (w) => (enough(w) && w.p95Ms !== null ? w.p95Ms / 1000 : null),
    },
    {
      name: 'LanduseHighMemory',
      severity: 'warning',
      direction: 'above',
      threshold: t.memoryBytes,
      unit: 'bytes',
      what: 'resident memory',
      value: (w) => w.rssBytes,
    },
    {
      name: 'LanduseHighErrorRate',
      severity: 'critical',
      direction: 'above',
      threshold: t.errorRate,
      unit: 'ratio',
      what: 'server error rate',
      value: (w) => (enough(w) ? w.errorRate : null),
    },
    {
      name: 'LanduseLowCacheHitRate',
      severity: 'warning',
      direction: 'below',
      threshold: t.cacheHitRate,
      unit: 'ratio',
      what: 'cache hit rate',
      value: (w) => (w.cacheLookups >= t.minRequests ? w.cacheHitRate : null),
    },
    {
      name: 'LandusePoolSaturated',
      severity: 'warning',
      direction: 'above',
      threshold: t.poolSaturation,
      unit: 'ratio',
      what: 'pool saturation',
      value: (w) => w.poolSaturation,
    },
  ];
}

/** An alert starting or ending: logged, listed at /api/alerts, sent to the webhook. */
export interface AlertEvent {
  alert: AlertName;
  state: 'firing' | 'resolved';
  severity: 'warning' | 'critical';
  /** The figure when the event happened (null: no longer enough traffic to judge). */
  value: number | null;
  threshold: number;
  unit: Unit;
  /** One line for people: the figure, the threshold and the window. */
  summary: string;
  /** When the alert started firing, ISO 8601. */
  startsAt: string;
  /** When it resolved, for a resolved event. */
  endsAt: string | null;
}

export interface ActiveAlert {
  alert: AlertName;
  severity: 'warning' | 'critical';
  value: number | null;
  threshold: number;
  unit: Unit;
  summary: string;
  since: string;
}

export class AlertEvaluator {
  private readonly firing = new Map<AlertName, { since: number; value: number | null }>();
  private readonly events: AlertEvent[] = [];

  constructor(
    private readonly rules: readonly Rule[],
    private readonly keepEvents = 100,
  ) {}

  /** Evaluates every rule on the window's figures at `now`; returns what started or ended. */
  evaluate(w: WindowFigures, now: number): AlertEvent[] {
    const out: AlertEvent[] = [];
    for (const rule of this.rules) {
      const value = rule.value(w);
      const active = this.firing.get(rule.name);
      if (!active) {
        if (value === null || !breaches(rule, value)) continue;
        this.firing.set(rule.name, { since: now, value });
        out.push(this.event(rule, 'firing', value, now, now, w.seconds));
      } else if (value === null || recovered(rule, value)) {
        this.firing.delete(rule.name);
        out.push(this.event(rule, 'resolved', value, active.since, now, w.seconds));
      } else {
        active.value = value;
      }
    }
    for (const e of out) {
      this.events.unshift(e);
      if (this.events.length > this.keepEvents) this.events.pop();
    }
    return out;
  }

  /** The alerts firing now, each with its latest figure. */
  active(): ActiveAlert[] {
    return this.rules.flatMap((rule) => {
      const a = this.firing.get(rule.name);
      if (!a) return [];
      return [
        {
          alert: rule.name,
          severity: rule.severity,
          value: a.value,
          threshold: rule.threshold,
          unit: rule.unit,
          summary: summary(rule, a.value),
          since: new Date(a.since).toISOString(),
        },
      ];
    });
  }

  /** Events, newest first (the last `keepEvents`). */
  recent(): AlertEvent[] {
    return [...this.events];
  }

  private event(
    rule: Rule,
    state: 'firing' | 'resolved',
    value: number | null,
    since: number,
    now: number,
    seconds: number,
  ): AlertEvent {
    return {
      alert: rule.name,
      state,
      severity: rule.severity,
      value,
      threshold: rule.threshold,
      unit: rule.unit,
      summary:
        state === 'firing'
          ? `${summary(rule, value)} over the last ${Math.round(seconds)} s`
          : `resolved: ${value === null ? `not enough traffic to judge the ${rule.what}` : summary(rule, value)}`,
      startsAt: new Date(since).toISOString(),
      endsAt: state === 'resolved' ? new Date(now).toISOString() : null,
    };
  }
}

function breaches(rule: Rule, value: number): boolean {
  return rule.direction === 'above' ? value > rule.threshold : value < rule.threshold;
}

function recovered(rule: Rule, value: number): boolean {
  return rule.direction === 'above'
    ? value <= rule.threshold * (1 - HYSTERESIS)
    : value >= rule.threshold * (1 + HYSTERESIS);
}

function summary(rule: Rule, value: number | null): string {
  const shown = value === null ? 'unknown' : format(value, rule.unit);
  const relation = rule.direction === 'above' ? 'threshold' : 'floor';
  return `${rule.what} ${shown} (${relation} ${format(rule.threshold, rule.unit)})`;
}

export function format(value: number, unit: Unit): string {
  if (unit === 'seconds')
    return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(2)} s`;
  // Decimal units, as the setting is written (LANDUSE_ALERT_MEMORY=1GB).
  if (unit === 'bytes')
    return value >= 1e9 ? `${(value / 1e9).toFixed(2)} GB` : `${(value / 1e6).toFixed(0)} MB`;
  return `${(value * 100).toFixed(1)} %`;
}
