/**
 * The configuration's refusals: bad values with what was wrong and what is expected, bounds,
 * unknown LANDUSE_* variables, and secrets that never appear in an error or a log.
 */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactConfig } from './index.ts';
import { isAppError } from '../domain/index.ts';

/** The ConfigError loadConfig throws for this environment (fails the test when it does not throw). */
function errorFor(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('loadConfig did not throw');
}

describe('LANDUSE_WORKERS', () => {
  it('reads LANDUSE_WORKERS: a positive integer, or auto for the number of cores', () => {
    expect(loadConfig({ LANDUSE_WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({ LANDUSE_WORKERS: ' Auto ' }).workers).toBe(availableParallelism());
    for (const bad of ['0', '-2', '1.5', 'all', '65']) {
      expect(errorFor({ LANDUSE_WORKERS: bad }).message).toContain(
        `LANDUSE_WORKERS="${bad}": expected a positive integer up to 64, or auto (the number of cores) (default 1)`,
      );
    }
  });
});

describe('loadConfig errors', () => {
  it('names the key, the bad value, what it accepts and the default', () => {
    const error = errorFor({ LANDUSE_MAX_QUERY_ROWS: 'abc' });
    expect(error.code).toBe('config:invalid');
    expect(isAppError(error, 'config')).toBe(true);
    expect(error.issues).toEqual([
      {
        key: 'LANDUSE_MAX_QUERY_ROWS',
        message:
          'LANDUSE_MAX_QUERY_ROWS="abc": expected a positive integer up to 100,000 (default 1000)',
      },
    ]);
    expect(error.message).toContain(
      'LANDUSE_MAX_QUERY_ROWS="abc": expected a positive integer up to 100,000 (default 1000)',
    );
  });

  it.each([
    ['LANDUSE_THREADS', '0', 'a positive integer'],
    ['LANDUSE_THREADS', '2.5', 'a positive integer'],
    ['LANDUSE_POOL_SIZE', '-1', 'a positive integer'],
    ['LANDUSE_MAX_EXECUTION_TIME', '0', 'a positive number of seconds'],
    ['LANDUSE_POOL_TIMEOUT', 'soon', 'a positive number of seconds'],
    ['LANDUSE_MEMORY_LIMIT', '2', '512MB, 4GB'],
    ['LANDUSE_MEMORY_LIMIT', '2 parsecs', '512MB, 4GB'],
    ['LANDUSE_MEMORY_LIMIT', '150%', 'a percentage such as 75%'],
    ['LANDUSE_CACHE_MAX_BYTES', '64 apples', 'a size such as 64MiB'],
    ['LANDUSE_ENABLE_MEMORY', 'maybe', 'true, false, 1, 0, yes or no'],
    ['LANDUSE_PROVIDER', 'gemini', 'offline, anthropic, openai, ollama, openai-compatible'],
    ['LANDUSE_LOG_LEVEL', 'verbose', 'fatal, error, warn, info, debug, trace, silent'],
    ['LANDUSE_TEMPERATURE', '2.5', 'a number from 0 to 2'],
    ['LANDUSE_TEMPERATURE', '-0.1', 'a number from 0 to 2'],
    ['LANDUSE_PORT', '65536', 'a port number from 0 to 65535'],
    ['LANDUSE_HOST', 'my host', 'a host name or IP address'],
    ['LANDUSE_BASE_URL', 'localhost:11434', 'an http:// or https:// URL'],
    ['LANDUSE_REDIS_URL', 'http://localhost:6379', 'a redis:// or rediss:// URL'],
  ])('rejects %s=%s and says it expects %s', (key, value, accepts) => {
    const [issue, ...rest] = errorFor({ [key]: value }).issues;
    expect(rest).toEqual([]);
    expect(issue?.key).toBe(key);
    expect(issue?.message).toContain(`${key}=${JSON.stringify(value)}: expected`);
    expect(issue?.message).toContain(accepts);
  });

  it('says which default a bad optional setting would have', () => {
    const [issue] = errorFor({ LANDUSE_BASE_URL: 'nope' }).issues;
    expect(issue?.message).toContain('(unset by default)');
  });

  it('reports every problem at once', () => {
    const error = errorFor({
      LANDUSE_THREADS: 'many',
      LANDUSE_PORT: 'http',
      LANDUSE_ENABLE_MEMORY: 'perhaps',
      LANDUSE_PROVIDR: 'openai',
    });
    expect(error.issues.map((i) => i.key)).toEqual([
      'LANDUSE_THREADS',
      'LANDUSE_ENABLE_MEMORY',
      'LANDUSE_PORT',
      'LANDUSE_PROVIDR',
    ]);
    expect(error.message).toContain('4 problems');
    for (const key of [
      'LANDUSE_THREADS',
      'LANDUSE_PORT',
      'LANDUSE_ENABLE_MEMORY',
      'LANDUSE_PROVIDR',
    ]) {
      expect(error.message).toContain(key);
    }
  });

  it('checks settings against each other', () => {
    const error = errorFor({
      LANDUSE_MAX_QUERY_ROWS: '100',
      LANDUSE_DEFAULT_DISPLAY_LIMIT: '500',
      LANDUSE_PROVIDER: 'openai-compatible',
    });
    expect(error.issues.map((i) => i.key)).toEqual([
      'LANDUSE_DEFAULT_DISPLAY_LIMIT',
      'LANDUSE_BASE_URL',
    ]);
    expect(error.issues[0]?.message).toContain('LANDUSE_MAX_QUERY_ROWS=100');
    expect(error.issues[1]?.message).toContain('required when LANDUSE_PROVIDER=openai-compatible');
  });

  it('hides URL credentials and shortens long values', () => {
    const error = errorFor({
      LANDUSE_REDIS_URL: 'http://user:hunter2@cache:6379',
      LANDUSE_HOST: `a b${'c'.repeat(200)}`,
    });
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('"http://***@cache:6379"');
    expect(error.message).toContain('..."');
    expect(error.message).not.toContain('c'.repeat(100));
  });
});

describe('bounds', () => {
  it.each([
    ['LANDUSE_THREADS', '1000000', 'a positive integer up to 64'],
    ['LANDUSE_THREADS', '65', 'a positive integer up to 64'],
    ['LANDUSE_POOL_SIZE', '1000', 'a positive integer up to 64'],
    ['LANDUSE_AGENT_POOL_SIZE', '500', 'a positive integer up to 64'],
    ['LANDUSE_MAX_EXPORTS', '65', 'a positive integer up to 64'],
    ['LANDUSE_MAX_QUERY_ROWS', '100001', 'a positive integer up to 100,000'],
    ['LANDUSE_MAX_EXECUTION_TIME', '3601', 'a positive number of seconds up to 3,600'],
    ['LANDUSE_POOL_TIMEOUT', '86400', 'a positive number of seconds up to 3,600'],
    ['LANDUSE_AGENT_QUEUE_TIMEOUT', '1e9', 'a positive number of seconds up to 3,600'],
    ['LANDUSE_SHUTDOWN_TIMEOUT', '7200', 'a positive number of seconds up to 3,600'],
    ['LANDUSE_BODY_TIMEOUT', '301', 'a positive number of seconds up to 300'],
    ['LANDUSE_BODY_TIMEOUT', '0', 'a positive number of seconds up to 300'],
    ['LANDUSE_AGENT_QUEUE_SIZE', '1000000', 'a whole number from 0 to 100,000'],
    ['LANDUSE_CACHE_TTL', '999999999', 'a positive integer number of seconds up to 604,800'],
  ])('refuses %s=%s: it accepts %s', (key, value, accepts) => {
    const [issue, ...rest] = errorFor({ [key]: value }).issues;
    expect(rest).toEqual([]);
    expect(issue?.key).toBe(key);
    expect(issue?.message).toContain(`${key}=${JSON.stringify(value)}: expected ${accepts}`);
  });

  it('accepts the maxima themselves', () => {
    const c = loadConfig({
      LANDUSE_THREADS: '64',
      LANDUSE_POOL_SIZE: '64',
      LANDUSE_MAX_QUERY_ROWS: '100000',
      LANDUSE_MAX_EXECUTION_TIME: '3600',
      LANDUSE_BODY_TIMEOUT: '300',
    });
    expect([c.threads, c.poolSize, c.maxQueryRows]).toEqual([64, 64, 100000]);
    expect([c.maxExecutionTimeSeconds, c.bodyTimeoutSeconds]).toEqual([3600, 300]);
  });

  it('reads LANDUSE_ALLOWED_HOSTS as lower-case names and refuses ports and URLs', () => {
    expect(
      loadConfig({ LANDUSE_ALLOWED_HOSTS: 'API.Example.org, 10.0.0.5,[::1],localhost.' })
        .allowedHosts,
    ).toEqual(['api.example.org', '10.0.0.5', '[::1]', 'localhost']);
    expect(loadConfig({ LANDUSE_ALLOWED_HOSTS: '*' }).allowedHosts).toEqual(['*']);
    for (const bad of ['example.org:8000', 'https://example.org', 'a,,b', 'a b']) {
      expect(errorFor({ LANDUSE_ALLOWED_HOSTS: bad }).issues[0]?.key).toBe('LANDUSE_ALLOWED_HOSTS');
    }
  });
});

describe('unknown LANDUSE_* variables', () => {
  it.each([
    ['LANDUSE_MAX_QUERY_ROW', 'LANDUSE_MAX_QUERY_ROWS'],
    ['LANDUSE_PORTT', 'LANDUSE_PORT'],
    ['LANDUSE_TREADS', 'LANDUSE_THREADS'],
    ['LANDUSE_CACHE_TLL', 'LANDUSE_CACHE_TTL'],
    ['LANDUSE_DB', 'LANDUSE_DB_PATH'],
    ['LANDUSE_ENABLE_SQL', 'LANDUSE_ENABLE_SQL_TOOL'],
  ])('%s is reported with the suggestion %s', (typo, known) => {
    const [issue] = errorFor({ [typo]: '1' }).issues;
    expect(issue).toEqual({
      key: typo,
      message: `${typo} is not a known setting: did you mean ${known}?`,
    });
  });

  it('points out that names are case-sensitive', () => {
    const [issue] = errorFor({ landuse_port: '9000' }).issues;
    expect(issue?.message).toBe(
      'landuse_port is not a known setting: names are upper case (LANDUSE_PORT)',
    );
  });

  it('suggests nothing when no known name is close', () => {
    const [issue] = errorFor({ LANDUSE_FAVOURITE_COLOUR: 'green' }).issues;
    expect(issue?.message).toBe(
      'LANDUSE_FAVOURITE_COLOUR is not a known setting (the settings are listed in .env.example)',
    );
  });

  it('is reported even when its value is empty', () => {
    expect(errorFor({ LANDUSE_PORTT: '' }).issues[0]?.key).toBe('LANDUSE_PORTT');
  });
});

describe('secrets', () => {
  const secret = 'sk-very-secret-4321';

  it('never echoes LANDUSE_API_KEYS, only that it is malformed', () => {
    const error = errorFor({ LANDUSE_API_KEYS: `good-key,${secret} with space` });
    expect(error.issues).toEqual([
      {
        key: 'LANDUSE_API_KEYS',
        message:
          'LANDUSE_API_KEYS is malformed (value not shown): expected a comma-separated list of ' +
          'keys without spaces (blanks alone are refused) (unset by default)',
      },
    ]);
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('good-key');
  });

  it('rejects empty entries in the key list', () => {
    expect(errorFor({ LANDUSE_API_KEYS: 'a,,b' }).issues[0]?.key).toBe('LANDUSE_API_KEYS');
  });

  it.each([' ', '   ', '\t', ',', ' , ,'])(
    'refuses LANDUSE_API_KEYS=%j instead of starting an open API',
    (value) => {
      const [issue, ...rest] = errorFor({ LANDUSE_API_KEYS: value }).issues;
      expect(rest).toEqual([]);
      expect(issue?.key).toBe('LANDUSE_API_KEYS');
      expect(issue?.message).toContain('blanks alone are refused');
    },
  );

  it('still reads an empty LANDUSE_API_KEYS as unset (no keys)', () => {
    expect(loadConfig({ LANDUSE_API_KEYS: '' }).apiKeys).toEqual([]);
  });

  it.each(['ANTHROPIC_API_KEY', 'OPENAI_API_KEY'])('never echoes %s', (key) => {
    const error = errorFor({ [key]: `${secret} ${secret}` });
    expect(error.issues[0]?.message).toContain(`${key} is malformed`);
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error.details)).not.toContain(secret);
  });

  it('never echoes the value of a mistyped key, which may hold a secret', () => {
    const error = errorFor({ LANDUSE_API_KEY: secret });
    expect(error.issues[0]?.message).toContain('did you mean LANDUSE_API_KEYS?');
    expect(error.message).not.toContain(secret);
  });

  it('redactConfig hides secrets and URL credentials for logging', () => {
    const config = loadConfig({
      LANDUSE_API_KEYS: `${secret},other`,
      OPENAI_API_KEY: secret,
      LANDUSE_REDIS_URL: 'redis://:hunter2@cache:6379',
    });
    const shown = JSON.stringify(redactConfig(config));
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain('other');
    expect(shown).not.toContain('hunter2');
    expect(redactConfig(config)).toMatchObject({
      apiKeys: ['[redacted]', '[redacted]'],
      openaiApiKey: '[redacted]',
      anthropicApiKey: undefined,
      redisUrl: 'redis://***@cache:6379',
      port: 8000,
    });
  });
});
