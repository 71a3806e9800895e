/**
 * Every request carries a collector (observability/collector.ts) from its first hook to its last
 * byte: the layers below add their figures to it, and when the response closes it becomes the
 * request's metrics (Prometheus), a slice of the alert window and history, and one log line.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import {
  Collector,
  instrumentationEnabled,
  newSpanId,
  newTraceId,
  parseTraceparent,
  runWithCollector,
  span,
  type Observability,
  type Outcome,
} from '../observability/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** This request's figures; null while instrumentation is off. */
    collector: Collector | null;
  }
}

/** The label of a response status. */
export function outcomeOf(status: number): Outcome {
  if (status < 400) return 'ok';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'busy';
  if (status === 504) return 'timeout';
  return status < 500 ? 'client_error' : 'server_error';
}

/** Status codes a stream reported in-band (chat's `error` event), by request. */
const streamed = new WeakMap<Collector, number>();

/**
 * Installs the collector: created in the first hook, entered again before validation (parsing a
 * body runs outside the request's async context), read when the response closes.
 */
export function registerObservability(app: FastifyInstance, obs: Observability): void {
  app.decorateRequest('collector', null);
  app.addHook('onRequest', (request, reply, done) => {
    if (!instrumentationEnabled()) {
      done();
      return;
    }
    // The route as declared (closed set), never the URL: /api/threads/:id, not its id.
    const route = request.routeOptions.url ?? 'unmatched';
    const collector = new Collector(obs.metrics, request.id, route);
    request.collector = collector;
    if (obs.traces) {
      // A caller's W3C traceparent makes this request a span of its trace.
      const header = request.headers.traceparent;
      const remote = parseTraceparent(typeof header === 'string' ? header : undefined);
      const spanId = newSpanId();
      collector.trace = {
        exporter: obs.traces,
        traceId: remote?.traceId ?? newTraceId(),
        spanId,
        remoteParentId: remote?.spanId,
        parentSpanId: spanId,
      };
    }
    obs.requestStarted();
    const res = reply.raw;
    res.once('close', () => {
      const seconds = (performance.now() - collector.started) / 1000;
      const status = streamed.get(collector) ?? res.statusCode;
      // Closed before the response ended: the client went away.
      const outcome = res.writableEnded ? outcomeOf(status) : 'aborted';
      obs.requestEnded({
        route,
        method: request.method,
        provider: collector.provider ?? 'none',
        outcome,
        seconds,
        collector,
      });
      logRequest(request.log, request, status, outcome, collector);
      const trace = collector.trace;
      if (trace) {
        trace.exporter.add(
          span({
            traceId: trace.traceId,
            spanId: trace.spanId,
            parentSpanId: trace.remoteParentId,
            name: `${request.method} ${route}`,
            kind: 2,
            startMs: collector.started,
            endMs: performance.now(),
            attributes: {
              'http.request.method': request.method,
              'http.route': route,
              'http.response.status_code': status,
              'landuse.outcome': outcome,
              'landuse.request_id': request.id,
              'gen_ai.provider.name': collector.provider ?? undefined,
            },
            error: status >= 500 ? String(status) : undefined,
          }),
        );
      }
    });
    runWithCollector(collector, done);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.collector) runWithCollector(request.collector, done);
    else done();
  });
}

/**
 * The request's one log line (Fastify's own two per request are off): what was asked, how it
 * ended, and its figures.
 */
function logRequest(
  log: FastifyBaseLogger,
  request: FastifyRequest,
  status: number,
  outcome: Outcome,
  collector: Collector,
): void {
  const pino = log as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
  if (typeof pino.isLevelEnabled !== 'function' || !pino.isLevelEnabled('info')) return;
  const metrics = collector.snapshot();
  log.info(
    {
      // Fastify's serializer: method, url, host, remoteAddress, remotePort.
      req: request,
      res: { statusCode: status },
      outcome,
      responseTime: metrics.totalMs,
      metrics,
    },
    'request completed',
  );
}

/**
 * An error a request answered with: counted by kind (its code's area), and a 429 by the limit
 * that refused it. `status` is the response's, for a stream that reports it in-band.
 */
export function recordRequestError(
  request: FastifyRequest,
  obs: Observability,
  code: string,
  status?: number,
): void {
  const collector = request.collector;
  if (!collector) return;
  const [area = 'internal', reason = ''] = code.split(':');
  collector.error(area);
  if (area === 'rate_limit') obs.metrics.rateLimitRefusal(reason);
  if (status !== undefined) streamed.set(collector, status);
}
