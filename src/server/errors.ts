import type { FastifyError } from 'fastify';
import { editDistance, isAppError } from '../domain/index.ts';

/** The body of every error response: a stable code, a message for the person, the request id. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    /** For validation errors: where the bad value was (`body.question`, `query.states`). */
    field?: string;
    requestId: string;
  };
}

interface HttpError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/** What the error handler knows of the request an error came from (for better messages). */
export interface ErrorContext {
  /** `GET /api/export`: the route as declared. */
  route?: string;
  /** The query parameters the route takes (for "did you mean"). */
  queryKeys?: readonly string[];
}

const EDGE = Symbol('landuse.edgeError');

/**
 * An error raised at the HTTP edge (Host check, body parsing) with its own status and stable
 * code; toHttpError passes it through as it is.
 */
export function edgeError(status: number, code: string, message: string): Error {
  return Object.assign(new Error(message), { statusCode: status, code, [EDGE]: true });
}

/** Areas of AppError whose message is about the caller's input: 400. */
const BAD_INPUT = new Set(['bad_request', 'sql', 'tool', 'usage']);

/**
 * The server's one translation of an error into an HTTP response. Messages written for users
 * (AppError) pass through; anything else becomes a generic 500 that names only the request id,
 * never a stack, a SQL text or a file path (those go to the log).
 */
export function toHttpError(
  error: unknown,
  requestId: string,
  context: ErrorContext = {},
): HttpError {
  const body = (code: string, message: string, field?: string): ErrorBody => ({
    error: { code, message, ...(field ? { field } : {}), requestId },
  });
  const fastifyError = error as Partial<FastifyError> & {
    validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
    validationContext?: string;
  };
  if (Array.isArray(fastifyError.validation) && fastifyError.validation.length > 0) {
    const where =
      fastifyError.validationContext === 'querystring'
        ? 'query'
        : (fastifyError.validationContext ?? 'request');
    const issues = fastifyError.validation.flatMap((v) => {
      const path = (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
      const field = path ? `${where}.${path}` : where;
      const unknown = v.params?.keys;
      if (Array.isArray(unknown) && unknown.length > 0) {
        return unknown.map((key) => unknownParameter(`${field}.${String(key)}`, context));
      }
      return [{ field, message: `${field}: ${describeIssue(v.message, v.params)}` }];
    });
    return {
      status: 400,
      body: body(
        'bad_request:validation',
        issues.map((i) => i.message).join('; '),
        issues[0]?.field,
      ),
      headers: {},
    };
  }
  if (isAppError(error)) {
    const retry = error.details?.retryAfterSeconds;
    if (error.area === 'busy' || error.code === 'pool:exhausted') {
      return {
        status: 503,
        body: body(error.code, error.message),
        headers: { 'retry-after': String(typeof retry === 'number' ? retry : 2) },
      };
    }
    if (error.area === 'not_found')
      return { status: 404, body: body(error.code, error.message), headers: {} };
    if (error.area === 'auth')
      return { status: 401, body: body(error.code, error.message), headers: {} };
    if (error.area === 'rate_limit') {
      return {
        status: 429,
        body: body(error.code, error.message),
        headers: typeof retry === 'number' ? { 'retry-after': String(retry) } : {},
      };
    }
    if (error.code === 'query:timeout')
      return { status: 504, body: body(error.code, error.message), headers: {} };
    if (error.code === 'agent:provider_failed')
      return { status: 502, body: body(error.code, error.message), headers: {} };
    if (error.area === 'db')
      return { status: 503, body: body(error.code, error.message), headers: {} };
    if (BAD_INPUT.has(error.area) && !error.code.startsWith('sql:guard_')) {
      return { status: 400, body: body(error.code, error.message), headers: {} };
    }
  }
  if (typeof error === 'object' && error !== null && EDGE in error) {
    return {
      status: fastifyError.statusCode ?? 400,
      body: body(fastifyError.code ?? 'bad_request', fastifyError.message ?? 'Bad request.'),
      headers: {},
    };
  }
  const framework = FRAMEWORK_ERRORS[fastifyError.code ?? ''];
  if (framework) {
    return { status: framework.status, body: body(framework.code, framework.message), headers: {} };
  }
  // Fastify's own client errors (body too large, bad JSON, unsupported media type) carry a 4xx
  // status and a message written for the client.
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      body: body(
        `bad_request:${(fastifyError.code ?? 'invalid').toLowerCase()}`,
        clientMessage(fastifyError),
      ),
      headers: {},
    };
  }
  return {
    status: 500,
    body: body(
      'internal',
      `Something went wrong on our side; it has been logged as request ${requestId}.`,
    ),
    headers: {},
  };
}

function describeIssue(
  message: string | undefined,
  params: Record<string, unknown> | undefined,
): string {
  const options = params?.values ?? params?.options;
  const text = message ?? 'invalid value';
  // zod's default wording quotes the choices as a union; a schema's own message stands.
  if (
    Array.isArray(options) &&
    (text.startsWith('Invalid option') || !text.includes(String(options[0])))
  ) {
    return `must be one of ${options.join(', ')}`;
  }
  return text;
}

function clientMessage(error: Partial<FastifyError>): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large. Send a shorter question or SQL statement.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Send the body as JSON with Content-Type: application/json.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The JSON body is empty. Send an object, for example {"question": "..."}.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The body is not valid JSON.';
    default:
      return error.message ?? 'The request was not understood.';
  }
}

/**
 * Errors that Fastify's router and Node's HTTP parser raise before any route runs, in words for
 * the caller and with stable codes (the raw ones name internals: FST_ERR_BAD_URL, HPE_...).
 */
const FRAMEWORK_ERRORS: Readonly<
  Record<string, { status: number; code: string; message: string } | undefined>
> = {
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'bad_request:bad_url',
    message:
      'The URL is not valid: a % must start a complete percent-encoded UTF-8 character (like %20).',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'bad_request:url_too_long',
    message: 'A part of the URL path is too long.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'timeout:request',
    message:
      'The request did not arrive in time (LANDUSE_BODY_TIMEOUT): send the headers and the whole body at once. The connection is closed.',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'bad_request:headers_too_large',
    message: 'The request headers are too large.',
  },
};

/** The message for a malformed HTTP request that Node's parser refused (clientError). */
export const MALFORMED_REQUEST = {
  status: 400,
  code: 'bad_request:malformed_request',
  message: 'The request is not valid HTTP/1.1.',
} as const;

/** "query.state is not a parameter of GET /api/export; did you mean states?" */
function unknownParameter(
  field: string,
  context: ErrorContext,
): { field: string; message: string } {
  const name = field.slice(field.indexOf('.') + 1);
  const where = context.route ? ` of ${context.route}` : '';
  const known = context.queryKeys ?? [];
  if (known.length === 0) {
    return {
      field,
      message: `${field} is not a parameter${where}, which takes no query parameters`,
    };
  }
  const best = closestKey(name, known);
  const hint = best ? `did you mean ${best}?` : `the parameters are ${known.join(', ')}`;
  return { field, message: `${field} is not a parameter${where}; ${hint}` };
}

/** The known key nearest a misspelt one: a plural, a prefix, or a small edit away. */
function closestKey(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.ceil(lower.length / 3)) + 1;
  for (const key of known) {
    if (key === lower) return key;
    const d = editDistance(lower, key);
    if (d < bestDistance) [best, bestDistance] = [key, d];
  }
  return (
    best ?? known.find((k) => lower.length >= 3 && (k.startsWith(lower) || lower.startsWith(k)))
  );
}
