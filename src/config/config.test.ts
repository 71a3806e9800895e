import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_DOCS, configSchema, loadConfig, renderEnvExample } from './index.ts';

describe('loadConfig defaults', () => {
  it('gives every documented default for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      dbPath: 'data/landuse.duckdb',
      memoryLimit: '2GB',
      threads: 2,
      queryThreads: 1,
      poolSize: 4,
      poolTimeoutSeconds: 5,
      reloadCheckSeconds: 2,
      maxQueryRows: 1000,
      maxExecutionTimeSeconds: 30,
      maxResultBytes: 8 * 2 ** 20,
      sqlTimeoutSeconds: 10,
      defaultDisplayLimit: 50,
      cacheTtlSeconds: 3600,
      cacheMaxBytes: 64 * 1024 * 1024,
      redisUrl: undefined,
      redisTimeoutMs: 250,
      redisPrefix: 'landuse:',
      provider: 'offline',
      model: undefined,
      temperature: 0.2,
      maxTokens: 4000,
      baseUrl: undefined,
      maxIterations: 8,
      rateLimitCalls: 50,
      rateLimitWindowSeconds: 60,
      enableMemory: true,
      threadsDbPath: 'data/threads.sqlite',
      maxThreads: 50000,
      maxThreadsPerOwner: 200,
      allowedProviders: [],
      providerConnectTimeoutSeconds: 3,
      circuitFailures: 3,
      circuitCooldownSeconds: 30,
      maxHistoryLength: 20,
      enableSqlTool: false,
      fallbackToOffline: true,
      agentPoolSize: 4,
      agentQueueSize: 100,
      agentQueueTimeoutSeconds: 10,
      embeddingProvider: 'none',
      embeddingModel: undefined,
      embeddingBaseUrl: undefined,
      embeddingCacheDir: 'data/embeddings',
      host: '127.0.0.1',
      port: 8000,
      apiKeys: [],
      allowedHosts: [],
      authFailureLimit: 20,
      trustProxy: [],
      cookieSecret: undefined,
      apiRateLimit: 600,
      apiDailyQuota: 100000,
      corsOrigins: [],
      maxExports: 2,
      bodyTimeoutSeconds: 10,
      shutdownTimeoutSeconds: 10,
      workers: 1,
      logLevel: 'info',
      metricsIntervalSeconds: 5,
      metricsRetentionHours: 24,
      metricsHistoryPath: undefined,
      alertWindowSeconds: 300,
      alertP95Seconds: 5,
      alertMemoryBytes: 1e9,
      alertErrorRate: 0.05,
      alertCacheHitRate: 0.5,
      alertPoolSaturation: 0.9,
      alertMinRequests: 20,
      alertWebhookUrl: undefined,
      alertWebhookTimeoutSeconds: 5,
      alertWebhookRetries: 3,
      otelEndpoint: undefined,
      anthropicApiKey: undefined,
      openaiApiKey: undefined,
    });
  });

  it('documents the same defaults it applies', () => {
    const fromDocs = Object.fromEntries(CONFIG_DOCS.map((d) => [d.key, d.default]));
    expect(loadConfig(fromDocs)).toEqual(loadConfig({}));
  });

  it('treats an empty or blank value as unset', () => {
    // LANDUSE_API_KEYS=" " is refused instead (see the secrets tests); empty is unset there too.
    const blank = Object.fromEntries(
      CONFIG_DOCS.map((d, i) => [d.key, i % 2 || d.key === 'LANDUSE_API_KEYS' ? '' : '  ']),
    );
    expect(loadConfig(blank)).toEqual(loadConfig({}));
  });

  it('reads the server settings: CORS origins, limits and quotas', () => {
    const c = loadConfig({
      LANDUSE_CORS_ORIGINS: 'https://a.example.org, http://localhost:5173/',
      LANDUSE_API_RATE_LIMIT: '0',
      LANDUSE_API_DAILY_QUOTA: '250',
      LANDUSE_AGENT_QUEUE_SIZE: '0',
    });
    expect(c.corsOrigins).toEqual(['https://a.example.org', 'http://localhost:5173']);
    expect([c.apiRateLimit, c.apiDailyQuota, c.agentQueueSize]).toEqual([0, 250, 0]);
    expect(() => loadConfig({ LANDUSE_CORS_ORIGINS: 'example.org' })).toThrow(
      /LANDUSE_CORS_ORIGINS/,
    );
  });

  it('ignores variables outside its namespace', () => {
    expect(loadConfig({ PATH: '/bin', HOME: '/root', NODE_ENV: 'test' })).toEqual(loadConfig({}));
  });
});

describe('loadConfig values', () => {
  it('parses each kind of value', () => {
    const config = loadConfig({
      LANDUSE_DB_PATH: '/srv/landuse.duckdb',
      LANDUSE_MEMORY_LIMIT: '512MB',
      LANDUSE_THREADS: '8',
      LANDUSE_MAX_EXECUTION_TIME: '2.5',
      LANDUSE_CACHE_MAX_BYTES: '1048576',
      LANDUSE_PROVIDER: 'Anthropic',
      LANDUSE_MODEL: 'claude-sonnet-4-5',
      LANDUSE_TEMPERATURE: '0',
      LANDUSE_BASE_URL: 'http://127.0.0.1:11434',
      LANDUSE_ENABLE_SQL_TOOL: 'YES',
      LANDUSE_FALLBACK_TO_OFFLINE: '0',
      LANDUSE_LOG_LEVEL: 'debug',
      LANDUSE_PORT: '0',
      LANDUSE_HOST: '0.0.0.0',
      LANDUSE_REDIS_URL: 'redis://localhost:6379/0',
      LANDUSE_API_KEYS: 'alpha, beta ,gamma',
      ANTHROPIC_API_KEY: 'sk-ant-123',
    });
    expect(config).toMatchObject({
      dbPath: '/srv/landuse.duckdb',
      memoryLimit: '512MB',
      threads: 8,
      maxExecutionTimeSeconds: 2.5,
      cacheMaxBytes: 1048576,
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      temperature: 0,
      baseUrl: 'http://127.0.0.1:11434',
      enableSqlTool: true,
      fallbackToOffline: false,
      logLevel: 'debug',
      port: 0,
      host: '0.0.0.0',
      redisUrl: 'redis://localhost:6379/0',
      apiKeys: ['alpha', 'beta', 'gamma'],
      anthropicApiKey: 'sk-ant-123',
    });
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
    ['yes', true],
    ['no', false],
    ['True', true],
    ['NO', false],
  ])('reads the boolean %s as %s', (text, value) => {
    expect(loadConfig({ LANDUSE_ENABLE_MEMORY: text }).enableMemory).toBe(value);
  });

  it.each([
    ['64MiB', 64 * 2 ** 20],
    ['100MB', 100e6],
    ['1 GiB', 2 ** 30],
    ['512kb', 512e3],
  ])('reads the cache size %s as %d bytes', (text, bytes) => {
    expect(loadConfig({ LANDUSE_CACHE_MAX_BYTES: text }).cacheMaxBytes).toBe(bytes);
  });

  it('keeps a DuckDB size as written and resolves a percentage against the machine memory', () => {
    expect(loadConfig({ LANDUSE_MEMORY_LIMIT: '4GB' }).memoryLimit).toBe('4GB');
    expect(loadConfig({ LANDUSE_MEMORY_LIMIT: '2 GiB' }).memoryLimit).toBe('2GiB');
    const eightGiB = { totalMemoryBytes: 8 * 2 ** 30 };
    expect(loadConfig({ LANDUSE_MEMORY_LIMIT: '75%' }, eightGiB).memoryLimit).toBe('6144MiB');
  });
});

describe('documentation', () => {
  const envExample = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');

  it('documents every field of the schema exactly once', () => {
    expect(CONFIG_DOCS.map((d) => d.field).sort()).toEqual(Object.keys(configSchema.shape).sort());
    expect(new Set(CONFIG_DOCS.map((d) => d.key)).size).toBe(CONFIG_DOCS.length);
    for (const doc of CONFIG_DOCS) {
      expect(doc.key).toMatch(/^(LANDUSE_[A-Z_]+|ANTHROPIC_API_KEY|OPENAI_API_KEY)$/);
      expect(doc.description.length).toBeGreaterThan(5);
    }
  });

  it('.env.example lists exactly the keys in the schema', () => {
    const listed = [...envExample.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(CONFIG_DOCS.map((d) => d.key).sort());
  });

  it('.env.example is up to date with CONFIG_DOCS (regenerate it with the command it names)', () => {
    expect(envExample).toBe(renderEnvExample());
  });
});
