import compress from '@fastify/compress';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import helmet from 'helmet';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AppError } from '../domain/index.ts';
import { registerCallers } from './callers.ts';
import { MemoryLimitStore, rateLimitStore, type LimitStore } from './limiter.ts';
import type { ServerDeps } from './deps.ts';
import { edgeServerOptions, errorContext, registerEdges } from './edges.ts';
import { toHttpError } from './errors.ts';
import { recordRequestError, registerObservability } from './observe.ts';
import { registerGenerationLeases } from './reload.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { askRoutes } from './routes/ask.ts';
import { exportCountRoutes } from './routes/export-count.ts';
import { exportRoutes } from './routes/export.ts';
import { explorerRoutes } from './routes/explorer.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { healthRoutes } from './routes/health.ts';
import { knowledgeRoutes } from './routes/knowledge.ts';
import { monitoringRoutes } from './routes/monitoring.ts';
import { threadRoutes } from './routes/threads.ts';
import { webRoutes } from './routes/web.ts';

/**
 * Sent by the start-up warm-up (index.ts) so its requests count against no client's rate limit:
 * several workers warming up would otherwise spend the loopback client's minute. Random per
 * process, never sent to anyone.
 */
export const WARM_UP_TOKEN = crypto.randomUUID();
const warmUp = (request: FastifyRequest) => request.headers['x-landuse-warm-up'] === WARM_UP_TOKEN;

/** The largest request body accepted: a question or SQL statement is far smaller. */
const BODY_LIMIT_BYTES = 64 * 1024;

interface AppOptions {
  /**
   * Logging at LANDUSE_LOG_LEVEL: JSON lines (default, for log collectors), 'pretty' (one
   * readable line per event, for a person at a terminal), or false (tests).
   */
  logger?: boolean | 'pretty';
  /** Milliseconds between SSE heartbeats on /api/chat (default 5000). */
  heartbeatMs?: number;
  /**
   * Where the per-client counters live (rate limit, daily quota, failed keys): this process's
   * memory unless given (the cluster's primary when several workers serve: cluster-ipc.ts).
   */
  limitStore?: LimitStore;
  /** Set in a worker of `serve --workers N`: its number, sent as the x-landuse-worker header. */
  workerId?: number;
}

/**
 * The HTTP application over the server's dependencies: every route, the docs, and the safety
 * layers (security headers, CORS, API keys, rate limits and quotas, body limits, validation,
 * one error translation). Building it opens nothing: `deps` owns the pools and the database.
 */
export async function buildApp(
  deps: ServerDeps,
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            // Keys must never reach a log line.
            redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
            ...(options.logger === 'pretty'
              ? {
                  transport: {
                    target: 'pino-pretty',
                    options: {
                      translateTime: 'HH:MM:ss',
                      ignore: 'pid,hostname',
                      singleLine: true,
                    },
                  },
                }
              : {}),
          },
    bodyLimit: BODY_LIMIT_BYTES,
    // Fastify 5 answers 503 to requests that arrive while it closes (graceful shutdown).
    return503OnClosing: true,
    genReqId: () => crypto.randomUUID(),
    // One line per request, with its figures, written when it ends (observe.ts).
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    // Behind a reverse proxy, the client's address and scheme come from the proxy's headers,
    // believed only from the proxies the operator names.
    ...(config.trustProxy.length > 0 ? { trustProxy: [...config.trustProxy] } : {}),
    // Timeouts for slow requests and idle connections, and framework errors in our format.
    ...edgeServerOptions(config),
  });
  registerEdges(app, config);
  registerObservability(app, deps.observability);
  // Each request reads the database generation it started on (data reloads, reload.ts).
  registerGenerationLeases(app, deps.service.generations);
  deps.observability.setLogger(app.log);
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API (OpenAPI); bodies are written with JSON.stringify, not
  // checked field by field on the way out (a large table would pay for it on every request).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler((error, request, reply) => {
    const http = toHttpError(error, request.id, errorContext(request));
    recordRequestError(request, deps.observability, http.body.error.code);
    if (http.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: http.body.error.code }, 'request refused');
    void reply.code(http.status).headers(http.headers).send(http.body);
  });
  app.setNotFoundHandler((request, reply) => {
    recordRequestError(request, deps.observability, 'not_found:route');
    void reply.code(404).send({
      error: {
        code: 'not_found:route',
        message: `There is no ${request.method} ${request.url.split('?')[0]}. The API is described at /docs.`,
        requestId: request.id,
      },
    });
  });
  const worker = options.workerId === undefined ? undefined : String(options.workerId);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (worker) reply.header('x-landuse-worker', worker);
  });

  // Security headers: helmet's defaults with this policy. The docs page (swagger-ui) and the web
  // app's pages set their own policy. Built once here and applied to every response
  // (@fastify/helmet built the middleware again, parsing the policy, on every request).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  app.addHook('onRequest', (request, reply, done) => {
    // helmet's middleware calls back with nothing, or an Error.
    securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });
  // gzip/brotli for clients that ask (Accept-Encoding) and bodies over 1 KiB: the county map is
  // about 200 KB of JSON. Already-compressed downloads (xlsx, Parquet) are left alone.
  await app.register(compress, { threshold: 1024 });
  await app.register(cors, {
    origin: config.corsOrigins.length > 0 ? [...config.corsOrigins] : false,
    methods: ['GET', 'POST', 'DELETE'],
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'RPA Land Use Analytics API',
        description:
          'Questions and analytics over the USDA Forest Service 2020 RPA Assessment land use projections (3,075 counties, 2012-2070).',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
      },
      ...(config.apiKeys.length > 0 ? { security: [{ apiKey: [] }] } : {}),
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  // Operational routes: no key, no rate limit (probes and scrapers must always get through).
  await app.register(async (ops) => {
    await healthRoutes(ops.withTypeProvider<ZodTypeProvider>(), deps);
    await webRoutes(ops.withTypeProvider<ZodTypeProvider>(), deps);
    await knowledgeRoutes(ops.withTypeProvider<ZodTypeProvider>(), deps);
  });

  // The API: who calls (an API key, or an anonymous owner cookie), a per-minute rate limit and
  // a daily quota per caller.
  await app.register(async (api) => {
    const limits = deps.sharedLimits ?? options.limitStore ?? new MemoryLimitStore();
    await registerCallers(api, config, deps.ownerSecret, limits);
    // Who registerCallers found: the key's owner (its digest), or the client's address.
    const keyGenerator = (request: FastifyRequest) =>
      config.apiKeys.length > 0 ? `key:${request.caller.owner}` : `ip:${request.ip}`;
    if (config.apiRateLimit > 0) {
      await api.register(rateLimit, {
        max: config.apiRateLimit,
        timeWindow: 60_000,
        keyGenerator,
        store: rateLimitStore(limits, 'minute:'),
        allowList: warmUp,
        // The limit store out of reach (a worker's primary not answering): the request goes on.
        skipOnError: true,
        errorResponseBuilder: (_req, context) =>
          new AppError(
            'rate_limit:per_minute',
            `Too many requests: at most ${context.max} a minute per ${config.apiKeys.length > 0 ? 'API key' : 'client'} (LANDUSE_API_RATE_LIMIT). Try again in ${context.after}.`,
            { details: { retryAfterSeconds: Math.ceil(context.ttl / 1000) } },
          ),
      });
    }
    if (config.apiDailyQuota > 0) {
      await api.register(rateLimit, {
        max: config.apiDailyQuota,
        timeWindow: 86_400_000,
        keyGenerator,
        store: rateLimitStore(limits, 'day:'),
        allowList: warmUp,
        skipOnError: true,
        addHeaders: {
          'x-ratelimit-limit': false,
          'x-ratelimit-remaining': false,
          'x-ratelimit-reset': false,
          'retry-after': true,
        },
        addHeadersOnExceeding: {
          'x-ratelimit-limit': false,
          'x-ratelimit-remaining': false,
          'x-ratelimit-reset': false,
        },
        errorResponseBuilder: (_req, context) =>
          new AppError(
            'rate_limit:daily_quota',
            `The daily quota of ${context.max} requests per ${config.apiKeys.length > 0 ? 'API key' : 'client'} is used up (LANDUSE_API_DAILY_QUOTA). It renews in ${context.after}.`,
            { details: { retryAfterSeconds: Math.ceil(context.ttl / 1000) } },
          ),
      });
    }
    const zapi = api.withTypeProvider<ZodTypeProvider>();
    await askRoutes(
      zapi,
      deps,
      options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs },
    );
    await threadRoutes(zapi, deps);
    await feedbackRoutes(zapi, deps);
    await monitoringRoutes(zapi, deps);
    await analyticsRoutes(zapi, deps);
    await explorerRoutes(zapi, deps);
    await exportRoutes(zapi, deps);
    await exportCountRoutes(zapi, deps);
  });
  return app;
}
