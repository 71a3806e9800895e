import type { FastifyError } from 'fastify';
import { isAppError } from '../domain/index.ts';

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

export interface HttpError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/** Areas of AppError whose message is about the caller's input: 400. */
const BAD_INPUT = new Set(['bad_request', 'sql', 'tool', 'usage']);

/**
 * The server's one translation of an error into an HTTP response. Messages written for users
 * (AppError) pass through; anything else becomes a generic 500 that names only the request id,
 * never a stack, a SQL text or a file path (those go to the log).
 */
export function toHttpError(error: unknown, requestId: string): HttpError {
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
    const issues = fastifyError.validation.map((v) => {
      const path = (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
      const field = path ? `${where}.${path}` : where;
      return { field, message: `${field}: ${describeIssue(v.message, v.params)}` };
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
