import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config/index.ts';
import { AppError } from '../domain/index.ts';
import type { LimitCount, LimitStore } from './limiter.ts';

/**
 * Who is calling, as the routes need it: the owner of the conversations the request may read,
 * continue or delete, and the bucket its new conversations count against
 * (LANDUSE_MAX_THREADS_PER_OWNER).
 */
export interface Caller {
  /** `k_<digest>` for an API key (only its SHA-256 is kept), `a_<random>` for a visitor. */
  owner: string;
  /**
   * The key's owner id; for anonymous visitors their address, so a client that throws its
   * cookie away at every request still fills only its own address's share of the store.
   */
  bucket: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

/** The cookie that carries an anonymous visitor's owner id, signed by the server. */
const OWNER_COOKIE = 'landuse_owner';

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/**
 * Registers, on the API scope, who the caller is: with LANDUSE_API_KEYS the key (refused when
 * missing or wrong, and an address that fails more than LANDUSE_AUTH_FAILURE_LIMIT times a
 * minute gets 429 until the minute is over); without keys an anonymous owner id from a signed,
 * HttpOnly, SameSite=Strict cookie, issued on the first request. The failures are counted in
 * `limits`, with the rate limits.
 */
export async function registerCallers(
  api: FastifyInstance,
  config: Config,
  cookieSecret: string,
  limits: LimitStore,
): Promise<void> {
  await api.register(cookie, { secret: cookieSecret, hook: 'onRequest' });
  if (config.apiKeys.length > 0) {
    const accepted = config.apiKeys.map(digest);
    // Counted in the limit store (the cluster's primary when several workers serve), so an
    // address gets its LANDUSE_AUTH_FAILURE_LIMIT guesses in all, not per worker process.
    const failuresOf = (ip: string) => `auth-failures:${ip}`;
    const check = (
      request: FastifyRequest,
      seen: LimitCount,
      done: (error?: AppError) => void,
    ): void => {
      if (seen.count >= config.authFailureLimit) {
        const retryAfterSeconds = Math.max(1, Math.ceil(seen.ttlMs / 1000));
        done(
          new AppError(
            'rate_limit:auth_failures',
            `Too many requests with a missing or wrong API key from this address (at most ${config.authFailureLimit} a minute, LANDUSE_AUTH_FAILURE_LIMIT). Try again in ${retryAfterSeconds} s with a valid key.`,
            { details: { retryAfterSeconds } },
          ),
        );
        return;
      }
      const fail = (error: AppError) => {
        // Counted before the answer, so the next request from the address sees it.
        limits.incr(failuresOf(request.ip), 60_000).then(
          () => done(error),
          () => done(error),
        );
      };
      const key = apiKeyOf(request);
      if (!key) {
        fail(
          new AppError(
            'auth:missing_key',
            'This API needs a key: send it in the X-API-Key header (or Authorization: Bearer KEY).',
          ),
        );
        return;
      }
      const given = digest(key);
      if (!accepted.some((k) => timingSafeEqual(k, given))) {
        fail(new AppError('auth:bad_key', 'The API key is not one this server accepts.'));
        return;
      }
      const owner = `k_${given.toString('hex').slice(0, 32)}`;
      request.caller = { owner, bucket: owner };
      done();
    };
    api.addHook('onRequest', (request, _reply, done) => {
      limits.incr(failuresOf(request.ip), 60_000, 0).then(
        (seen) => check(request, seen, done),
        // The store out of reach lets the request on to the key check (fail open, as the rate
        // limits do): a wrong key is still refused.
        () => check(request, { count: 0, ttlMs: 60_000 }, done),
      );
    });
    return;
  }
  api.addHook('onRequest', (request, reply, done) => {
    const id = anonymousId(request) ?? issueAnonymousId(api, request, reply);
    request.caller = { owner: `a_${id}`, bucket: `addr_${request.ip}` };
    done();
  });
}

/** The key a request carries: X-API-Key, or Authorization: Bearer KEY. */
function apiKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const auth = request.headers.authorization;
  const match = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
  return match?.[1];
}

/** Fixed-length digests, so comparing keys takes the same time whatever they are. */
function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

const ANONYMOUS_ID = /^[0-9a-f]{32}$/;

/** The visitor's id from a cookie the server signed, or undefined. */
function anonymousId(request: FastifyRequest): string | undefined {
  const raw = request.cookies[OWNER_COOKIE];
  if (!raw) return undefined;
  const { valid, value } = request.unsignCookie(raw);
  return valid && value !== null && ANONYMOUS_ID.test(value) ? value : undefined;
}

/**
 * A new visitor id, set as a header (not through the cookie plugin's onSend hook) so that the
 * chat stream, which writes its own head, sends it too.
 */
function issueAnonymousId(
  api: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): string {
  // randomUUID draws from a cached pool of entropy; its 122 random bits name the visitor.
  const id = randomUUID().replaceAll('-', '');
  void reply.header(
    'set-cookie',
    api.serializeCookie(OWNER_COOKIE, api.signCookie(id), {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      path: '/',
      maxAge: ONE_YEAR_SECONDS,
    }),
  );
  return id;
}

/**
 * The secret that signs owner cookies: LANDUSE_COOKIE_SECRET, else (with a conversation store
 * that outlives the process) a random key kept in a file beside it, readable by its owner only,
 * so visitors keep their conversations across restarts; else a random key for this process.
 */
export function ownerCookieSecret(config: Config, persistentStore: boolean): string {
  if (config.cookieSecret) return config.cookieSecret;
  if (!persistentStore || config.threadsDbPath === ':memory:') {
    return randomBytes(32).toString('hex');
  }
  const file = `${config.threadsDbPath}.cookie-key`;
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
  }
  const secret = randomBytes(32).toString('hex');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
