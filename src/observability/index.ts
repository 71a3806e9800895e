/**
 * Observability: the per-request collector (AsyncLocalStorage), the Prometheus metrics, alerts
 * with their webhook, and the performance history. It imports no agent, server or CLI code; they
 * import it, and the data layer is hooked in through instrument.ts.
 */
export {
  Collector,
  currentCollector,
  currentMetrics,
  ensureCollector,
  instrumentationEnabled,
  recordCacheLookup,
  recordError,
  recordFallback,
  recordModelCall,
  recordRateLimitWait,
  recordRetry,
  recordToolCall,
  runWithCollector,
  setInstrumentation,
  traced,
  withOperation,
} from './collector.ts';
export { modelErrorType, type RequestMetrics } from './request-metrics.ts';
export { newSpanId, newTraceId, parseTraceparent, span, SpanExporter } from './tracing.ts';
export { instrumentPool, observedGuard } from './instrument.ts';
export { RATE_LIMITS, type LimiterFigures, type MetricSources, type Outcome } from './metrics.ts';
export {
  MAX_HISTORY_POINTS,
  Observability,
  servedRoute,
  type AlertsView,
  type HistoryView,
  type ObservabilityConfig,
} from './observability.ts';
export { ALERT_NAMES, HYSTERESIS, type AlertEvent, type AlertName } from './alerts.ts';
export type { Snapshot } from './history.ts';
