/**
 * The HTTP edges: what the server checks before a route runs. Timeouts for slow requests and
 * idle connections, the Host header (against DNS rebinding), JSON bodies with forbidden keys,
 * unknown query parameters, and errors that Fastify or Node raise outside any route, all
 * answered in the one error format of errors.ts.
 */
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  errorCodes,
  type FastifyHttpOptions,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import { edgeError, MALFORMED_REQUEST, toHttpError, type ErrorContext } from './errors.ts';

/**
 * Idle keep-alive connections are closed after this long. Longer than the usual proxy idle
 * timeouts (60 s), so a proxy never reuses a connection the server is closing.
 */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/** A path segment (a thread id, a FIPS code) longer than this is a 414; shorter, the schema decides. */
const MAX_PARAM_LENGTH = 500;

/** Host names that always mean this machine: a DNS-rebinding page cannot send them. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Probes from a load balancer or orchestrator address the server by IP; these say nothing secret. */
const HOST_CHECK_EXEMPT = new Set(['/health', '/ready']);

/**
 * Fastify's server options for the edges: a request (headers and body) must arrive within
 * LANDUSE_BODY_TIMEOUT, idle keep-alive connections are closed, long path segments and bad URL
 * encodings and malformed HTTP are answered in the error format.
 */
export function edgeServerOptions(config: Config): FastifyHttpOptions<Server> {
  const requestTimeout = Math.ceil(config.bodyTimeoutSeconds * 1000);
  return {
    requestTimeout,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    http: {
      requestTimeout,
      headersTimeout: requestTimeout,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // Node checks for expired requests every 30 s by default, which would let a slow body
      // live three times LANDUSE_BODY_TIMEOUT; check a few times per timeout instead.
      connectionsCheckingInterval: Math.min(5000, Math.max(250, Math.floor(requestTimeout / 4))),
    },
    frameworkErrors: (error, request, reply) => {
      const http = toHttpError(error, request.id);
      request.log.info({ code: http.body.error.code }, 'request refused');
      void (reply as FastifyReply).code(http.status).headers(http.headers).send(http.body);
    },
    clientErrorHandler: onClientError,
  };
}

/**
 * Node's parser refused a request (malformed HTTP, headers too large) or it did not arrive within
 * the request timeout: answer in the error format when nothing has been sent on the
 * connection yet, then close it.
 */
function onClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const requestId = crypto.randomUUID();
  const http = toHttpError(error, requestId);
  const { status, body } =
    http.status === 500
      ? {
          status: MALFORMED_REQUEST.status,
          body: {
            error: { code: MALFORMED_REQUEST.code, message: MALFORMED_REQUEST.message, requestId },
          },
        }
      : http;
  this.log.info({ code: body.error.code, requestId }, 'request refused by the HTTP parser');
  // As Node does: never write into a response that has already started.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${statusText(status)}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(text)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        text,
    );
  }
  socket.destroy();
}

function statusText(status: number): string {
  return (
    {
      400: 'Bad Request',
      408: 'Request Timeout',
      414: 'URI Too Long',
      431: 'Request Header Fields Too Large',
    }[status] ?? 'Error'
  );
}

/**
 * The hooks of the edges, registered on the root app before any route: the Host check, the JSON
 * body parser, and strict query strings.
 */
export function registerEdges(app: FastifyInstance, config: Config): void {
  const allowed = hostPolicy(config);
  app.addHook('onRequest', (request, _reply, done) => {
    const host = request.headers.host;
    if (host === undefined || HOST_CHECK_EXEMPT.has(request.url.split('?')[0] ?? '')) {
      done();
      return;
    }
    const name = hostName(host);
    if (allowed(name)) {
      done();
      return;
    }
    done(
      edgeError(
        421,
        'bad_request:host_not_allowed',
        `This server does not answer for the host "${name.slice(0, 100)}". Address it by an allowed name, or add the name to LANDUSE_ALLOWED_HOSTS.`,
      ),
    );
  });

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.addHook('onRoute', (route) => {
    const querystring = strictQuery(route.schema?.querystring, route.url);
    if (querystring) route.schema = { ...route.schema, querystring };
  });
}

/** What the error handler passes toHttpError about the request: its route and query keys. */
export function errorContext(request: FastifyRequest): ErrorContext {
  const route = request.routeOptions.url
    ? `${request.method} ${request.routeOptions.url}`
    : undefined;
  const querystring = request.routeOptions.schema?.querystring;
  const queryKeys = querystring instanceof z.ZodObject ? Object.keys(querystring.shape) : [];
  return { ...(route ? { route } : {}), queryKeys };
}

/**
 * Unknown query parameters are refused (a misspelt `state=TX` must not export everything): a
 * route's zod query object becomes strict, and an API route with no query parameters gets an
 * empty strict one. Undefined when the route is left as it is.
 */
function strictQuery(schema: unknown, url: string): z.ZodObject | undefined {
  if (schema instanceof z.ZodObject) {
    return schema._zod.def.catchall === undefined ? schema.strict() : undefined;
  }
  return schema === undefined && url.startsWith('/api/') ? z.strictObject({}) : undefined;
}

/**
 * A JSON body as Fastify's own parser reads it (`__proto__`, and `constructor.prototype`, are
 * refused), but saying which key was refused instead of calling the body invalid JSON.
 */
function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
  let forbidden: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      if (key === '__proto__') forbidden ??= '__proto__';
      else if (key === 'constructor' && typeof v === 'object' && v !== null && 'prototype' in v)
        forbidden ??= 'constructor.prototype';
      return v;
    });
  } catch {
    throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
  }
  if (forbidden) {
    throw edgeError(
      400,
      'bad_request:forbidden_key',
      `The body contains the forbidden key ${forbidden}; rename or remove it.`,
    );
  }
  return value;
}

/** `Example.org:8000` -> `example.org`, `[::1]:80` -> `[::1]`. */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) || h : (h.split(':')[0] ?? '');
  return name.replace(/\.$/, '');
}

/** True for an address that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Which Host names the server answers. Loopback names always (a rebinding page cannot send
 * them); then LANDUSE_ALLOWED_HOSTS, or when it is unset, nothing more for a server bound to a
 * loopback address and any name for one bound elsewhere.
 */
function hostPolicy(config: Pick<Config, 'host' | 'allowedHosts'>): (name: string) => boolean {
  const list = config.allowedHosts;
  if (list.includes('*') || (list.length === 0 && !isLoopback(config.host))) return () => true;
  const names = new Set([...LOOPBACK_NAMES, ...list]);
  return (name) => names.has(name);
}
