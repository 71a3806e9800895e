import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from './alerts.ts';
import { webhookPayload, WebhookNotifier } from './webhook.ts';

const event: AlertEvent = {
  alert: 'LanduseHighResponseTime',
  state: 'firing',
  severity: 'warning',
  value: 6.2,
  threshold: 5,
  unit: 'seconds',
  summary: 'p95 response time 6.20 s (threshold 5.00 s) over the last 300 s',
  startsAt: '2026-01-01T00:00:00.000Z',
  endsAt: null,
};

/** A receiver on 127.0.0.1 that answers each POST with the next status (or hangs: 0). */
async function receiver(statuses: number[]) {
  const bodies: unknown[] = [];
  const pending: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      const status = statuses.shift() ?? 200;
      if (status === 0) pending.push(res);
      else res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    bodies,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('WebhookNotifier', () => {
  it('posts an Alertmanager-style body', async () => {
    const hook = await receiver([200]);
    closers.push(hook.close);
    const outcomes: string[] = [];
    const notifier = new WebhookNotifier({
      url: hook.url,
      timeoutMs: 2000,
      retries: 0,
      onOutcome: (o) => outcomes.push(o),
    });
    closers.push(() => notifier.close());
    notifier.notify(webhookPayload(event, 'host-1'));
    await notifier.drained();
    expect(outcomes).toEqual(['sent']);
    const body = hook.bodies[0] as Record<string, unknown> & { alerts: Record<string, unknown>[] };
    expect(hook.bodies).toHaveLength(1);
    expect(body).toMatchObject({
      version: '4',
      status: 'firing',
      groupLabels: { alertname: 'LanduseHighResponseTime' },
    });
    expect(body.alerts).toHaveLength(1);
    expect(body.alerts[0]).toMatchObject({
      status: 'firing',
      labels: { alertname: 'LanduseHighResponseTime', instance: 'host-1' },
      annotations: { summary: event.summary, value: '6.2' },
      startsAt: event.startsAt,
    });
  });

  it('retries failures and times out a receiver that hangs, without holding up notify', async () => {
    const hook = await receiver([500, 0, 200]);
    closers.push(hook.close);
    const outcomes: string[] = [];
    const logs: string[] = [];
    const notifier = new WebhookNotifier({
      url: hook.url,
      timeoutMs: 300,
      retries: 2,
      backoffMs: 10,
      onOutcome: (o) => outcomes.push(o),
      log: (_level, m) => logs.push(m),
    });
    closers.push(() => notifier.close());
    notifier.notify(webhookPayload(event, 'h'));
    // notify queues and returns: nothing is delivered yet when it does.
    expect(outcomes).toEqual([]);
    expect(hook.bodies).toEqual([]);
    await notifier.drained();
    expect(hook.bodies).toHaveLength(3);
    expect(outcomes).toEqual(['sent']);
    expect(logs).toEqual([
      'alert webhook: delivery failed (HTTP 500); will retry',
      'alert webhook: delivery failed (no answer within 300 ms); will retry',
    ]);
  });

  it('gives up after the retries, and drops the oldest past the queue bound', async () => {
    const hook = await receiver([503, 503, 0, 0, 0]);
    closers.push(hook.close);
    const outcomes: string[] = [];
    const notifier = new WebhookNotifier({
      url: hook.url,
      timeoutMs: 5000,
      retries: 1,
      backoffMs: 10,
      maxQueue: 1,
      onOutcome: (o) => outcomes.push(o),
    });
    notifier.notify(webhookPayload(event, 'h'));
    await notifier.drained();
    expect(outcomes).toEqual(['failed']);
    // The next one hangs; two more queue behind it, past the bound of one.
    notifier.notify(webhookPayload(event, 'h'));
    notifier.notify(webhookPayload(event, 'h'));
    notifier.notify(webhookPayload(event, 'h'));
    expect(outcomes).toEqual(['failed', 'dropped']);
    while (hook.bodies.length < 3) await new Promise((r) => setTimeout(r, 10));
    // Closing aborts the hanging delivery at once (else this waits for its 5 s timeout).
    notifier.close();
    await notifier.drained();
    expect(outcomes).toEqual(['failed', 'dropped']);
    expect(hook.bodies).toHaveLength(3);
  });
});
