/**
 * Alert notifications to a webhook (LANDUSE_ALERT_WEBHOOK_URL): each event is POSTed as JSON in
 * the shape of an Alertmanager webhook (so receivers built for Alertmanager read it), one at a
 * time in the background. Each attempt has a timeout (LANDUSE_ALERT_WEBHOOK_TIMEOUT), failures
 * are retried with backoff (LANDUSE_ALERT_WEBHOOK_RETRIES), and the queue is bounded: nothing a
 * request does ever waits for a delivery, and a receiver that hangs only delays other deliveries.
 */
import { setTimeout as wait } from 'node:timers/promises';
import type { AlertEvent } from './alerts.ts';

export interface WebhookOptions {
  url: string;
  timeoutMs: number;
  /** Tries after the first one. */
  retries: number;
  /** The wait before the first retry; each further retry doubles it. */
  backoffMs?: number;
  /** Events waiting beyond this are dropped (the oldest first). */
  maxQueue?: number;
  /** Where delivery failures are told; never the URL (it may hold a token). */
  log?: (level: 'warn' | 'info', message: string) => void;
  onOutcome?: (outcome: 'sent' | 'failed' | 'dropped') => void;
}

/** The Alertmanager webhook payload (version 4) for one event. */
export function webhookPayload(event: AlertEvent, instance: string): Record<string, unknown> {
  const labels = {
    alertname: event.alert,
    service: 'landuse',
    severity: event.severity,
    instance,
  };
  const annotations = {
    summary: event.summary,
    value: event.value === null ? '' : String(event.value),
    threshold: String(event.threshold),
    unit: event.unit,
  };
  return {
    version: '4',
    receiver: 'landuse',
    status: event.state,
    groupKey: `{}:{alertname="${event.alert}"}`,
    groupLabels: { alertname: event.alert },
    commonLabels: labels,
    commonAnnotations: annotations,
    alerts: [
      {
        status: event.state,
        labels,
        annotations,
        startsAt: event.startsAt,
        endsAt: event.endsAt ?? '0001-01-01T00:00:00Z',
      },
    ],
  };
}

export class WebhookNotifier {
  private readonly queue: Record<string, unknown>[] = [];
  private sending = false;
  private readonly closing = new AbortController();
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly options: WebhookOptions) {}

  /** Queues a payload and returns at once. */
  notify(payload: Record<string, unknown>): void {
    if (this.closing.signal.aborted) return;
    this.queue.push(payload);
    if (this.queue.length > (this.options.maxQueue ?? 100)) {
      this.queue.shift();
      this.options.onOutcome?.('dropped');
      this.options.log?.('warn', 'alert webhook: queue full, dropped the oldest notification');
    }
    if (!this.sending) {
      this.sending = true;
      this.idle = this.pump();
    }
  }

  /** Resolves once the queue is empty (for tests and shutdown). */
  drained(): Promise<void> {
    return this.idle;
  }

  /** Stops: the delivery in flight is aborted, the rest are dropped. */
  close(): void {
    this.closing.abort();
    this.queue.length = 0;
  }

  private async pump(): Promise<void> {
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        const ok = await this.deliver(next);
        if (this.closing.signal.aborted) return;
        this.options.onOutcome?.(ok ? 'sent' : 'failed');
      }
    } finally {
      this.sending = false;
    }
  }

  private async deliver(payload: Record<string, unknown>): Promise<boolean> {
    const { retries, timeoutMs } = this.options;
    const body = JSON.stringify(payload);
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (this.closing.signal.aborted) return false;
      let why: string;
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'landuse-alerts' },
          body,
          signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(timeoutMs)]),
        });
        // The body is not needed; reading it frees the connection.
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return true;
        why = `HTTP ${res.status}`;
      } catch (error) {
        why =
          error instanceof Error && error.name === 'TimeoutError'
            ? `no answer within ${timeoutMs} ms`
            : 'connection failed';
      }
      const last = attempt === retries;
      this.options.log?.(
        'warn',
        `alert webhook: delivery failed (${why})${last ? '; giving up on this notification' : '; will retry'}`,
      );
      if (!last) await sleep((this.options.backoffMs ?? 1000) * 2 ** attempt, this.closing.signal);
    }
    return false;
  }
}

/** Waits `ms`, or less when `signal` fires (never rejects). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return wait(ms, undefined, { signal }).catch(() => undefined);
}
