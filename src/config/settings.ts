/**
 * The settings table behind src/config/index.ts (which alone reads process.env). Every setting is one row of SETTINGS (its
 * variable, default, accepted values and zod schema); the Config type, the zod schema, the
 * documentation (CONFIG_DOCS) and .env.example all come from that table.
 */
import { z } from 'zod';
import {
  decimal,
  digits,
  flag,
  memoryLimit,
  noSpaces,
  oneOf,
  optionalUrl,
  parseBytes,
  positiveInt,
  positiveSeconds,
  type Setting,
} from './kinds.ts';
export type { Setting } from './kinds.ts';
import { SERVICE_SETTINGS } from './settings-service.ts';

export const PROVIDERS = ['offline', 'anthropic', 'openai', 'ollama', 'openai-compatible'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Every setting, keyed by its Config field; the Config type below is inferred from it. */
export const SETTINGS = {
  dbPath: {
    env: 'LANDUSE_DB_PATH',
    group: 'Database',
    description: 'The DuckDB database file that "landuse load" writes and the server reads.',
    accepts: 'a file path',
    default: 'data/landuse.duckdb',
    schema: z.string().trim().min(1).default('data/landuse.duckdb'),
  },
  memoryLimit: {
    env: 'LANDUSE_MEMORY_LIMIT',
    group: 'Database',
    description: 'DuckDB memory limit, as a size or a percentage of the machine memory.',
    accepts: 'a size such as 512MB, 4GB or 2GiB, or a percentage such as 75%',
    default: '2GB',
    schema: memoryLimit.default('2GB'),
  },
  threads: {
    env: 'LANDUSE_THREADS',
    group: 'Database',
    description: 'DuckDB worker threads for building a database (landuse load, the demo build).',
    ...positiveInt(2, 64),
  },
  queryThreads: {
    env: 'LANDUSE_QUERY_THREADS',
    group: 'Database',
    description:
      'DuckDB worker threads for answering queries (each server process): the queries read a few thousand rows, where a second thread only adds scheduling; raise it on a large machine for free SQL over the fact tables.',
    ...positiveInt(1, 64),
  },
  poolSize: {
    env: 'LANDUSE_POOL_SIZE',
    group: 'Database',
    description: 'DuckDB connections in the pool.',
    ...positiveInt(4, 64),
  },
  poolTimeoutSeconds: {
    env: 'LANDUSE_POOL_TIMEOUT',
    group: 'Database',
    description: 'Seconds to wait for a free connection before failing the request.',
    ...positiveSeconds(5),
  },
  reloadCheckSeconds: {
    env: 'LANDUSE_RELOAD_CHECK_SECONDS',
    group: 'Database',
    description:
      'How often a running server checks whether the database file was replaced (besides watching its folder), to switch to the new file without a restart; 0 turns reloads off.',
    accepts: 'a number of seconds from 0 to 3,600',
    default: '2',
    schema: decimal.pipe(z.number().min(0).max(3600)).default(2),
  },
  maxQueryRows: {
    env: 'LANDUSE_MAX_QUERY_ROWS',
    group: 'Queries',
    description: 'Most rows any query returns.',
    ...positiveInt(1000, 100_000),
  },
  maxExecutionTimeSeconds: {
    env: 'LANDUSE_MAX_EXECUTION_TIME',
    group: 'Queries',
    description: 'Seconds a query may run before it is cancelled.',
    ...positiveSeconds(30),
  },
  maxResultBytes: {
    env: 'LANDUSE_MAX_RESULT_BYTES',
    group: 'Queries',
    description:
      'Most bytes of rows one free-form SQL result returns (explorer, landuse sql); the rest is cut off and the result says so.',
    accepts: 'a positive number of bytes, or a size such as 8MiB or 10MB',
    default: '8MiB',
    schema: z
      .string()
      .refine((t) => parseBytes(t) !== undefined)
      .transform((t) => parseBytes(t)!)
      .default(8 * 2 ** 20),
  },
  sqlTimeoutSeconds: {
    env: 'LANDUSE_SQL_TIMEOUT',
    group: 'Queries',
    description:
      'Seconds a free-form SQL query may run before it is cancelled (at most LANDUSE_MAX_EXECUTION_TIME applies).',
    ...positiveSeconds(10),
  },
  defaultDisplayLimit: {
    env: 'LANDUSE_DEFAULT_DISPLAY_LIMIT',
    group: 'Queries',
    description:
      'Rows shown in a table unless more are asked for (at most LANDUSE_MAX_QUERY_ROWS).',
    ...positiveInt(50, 100_000),
  },
  cacheTtlSeconds: {
    env: 'LANDUSE_CACHE_TTL',
    group: 'Cache',
    description: 'Seconds a cached query result lives.',
    ...positiveInt(3600, 7 * 86_400),
    accepts: 'a positive integer number of seconds up to 604,800 (a week)',
  },
  cacheMaxBytes: {
    env: 'LANDUSE_CACHE_MAX_BYTES',
    group: 'Cache',
    description: 'Size bound of the in-process (L1) result cache.',
    accepts: 'a positive number of bytes, or a size such as 64MiB or 100MB',
    default: '64MiB',
    schema: z
      .string()
      .refine((t) => parseBytes(t) !== undefined)
      .transform((t) => parseBytes(t)!)
      .default(64 * 2 ** 20),
  },
  redisUrl: {
    env: 'LANDUSE_REDIS_URL',
    group: 'Cache',
    description:
      'Redis shared by several instances: the L2 cache, conversations, rate limits and quotas, alert claims. Unset: each instance keeps them itself.',
    ...optionalUrl(['redis', 'rediss'], 'a redis:// or rediss:// URL'),
  },
  redisTimeoutMs: {
    env: 'LANDUSE_REDIS_TIMEOUT_MS',
    group: 'Cache',
    description:
      'Milliseconds a Redis command may take before the instance answers from its local level instead.',
    ...positiveInt(250, 10_000),
  },
  redisPrefix: {
    env: 'LANDUSE_REDIS_PREFIX',
    group: 'Cache',
    description:
      'Prefix of every Redis key this app writes (instances of one deployment share it; another deployment on the same Redis needs its own).',
    accepts: 'letters, digits and :_.- (1 to 64)',
    default: 'landuse:',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/)
      .default('landuse:'),
  },
  provider: {
    env: 'LANDUSE_PROVIDER',
    group: 'Agent',
    description: 'The model behind the agent. offline needs no key and no network.',
    ...oneOf(PROVIDERS, 'offline'),
  },
  model: {
    env: 'LANDUSE_MODEL',
    group: 'Agent',
    description: "The provider's model name; unset means the provider's default model.",
    accepts: 'a model name',
    default: '',
    schema: z.string().trim().optional(),
  },
  temperature: {
    env: 'LANDUSE_TEMPERATURE',
    group: 'Agent',
    description: 'Sampling temperature of the model.',
    accepts: 'a number from 0 to 2',
    default: '0.2',
    schema: decimal.pipe(z.number().min(0).max(2)).default(0.2),
  },
  maxTokens: {
    env: 'LANDUSE_MAX_TOKENS',
    group: 'Agent',
    description: 'Most tokens in one model reply.',
    ...positiveInt(4000, 1_000_000),
  },
  baseUrl: {
    env: 'LANDUSE_BASE_URL',
    group: 'Agent',
    description:
      "The provider's endpoint (required for openai-compatible); unset means its default.",
    ...optionalUrl(['http', 'https'], 'an http:// or https:// URL'),
  },
  maxIterations: {
    env: 'LANDUSE_MAX_ITERATIONS',
    group: 'Agent',
    description: 'Most model and tool round trips spent on one question.',
    ...positiveInt(8, 100),
  },
  rateLimitCalls: {
    env: 'LANDUSE_RATE_LIMIT_CALLS',
    group: 'Agent',
    description: 'Model calls allowed per rate-limit window.',
    ...positiveInt(50, 1_000_000),
  },
  rateLimitWindowSeconds: {
    env: 'LANDUSE_RATE_LIMIT_WINDOW',
    group: 'Agent',
    description: 'The rate-limit window in seconds.',
    ...positiveInt(60, 86_400),
  },
  enableMemory: {
    env: 'LANDUSE_ENABLE_MEMORY',
    group: 'Agent',
    description: 'Keep conversation threads so follow-up questions have context.',
    ...flag(true),
  },
  threadsDbPath: {
    env: 'LANDUSE_THREADS_DB_PATH',
    group: 'Agent',
    description:
      'The SQLite file where conversation threads are kept (with LANDUSE_ENABLE_MEMORY).',
    accepts: 'a file path',
    default: 'data/threads.sqlite',
    schema: z.string().trim().min(1).default('data/threads.sqlite'),
  },
  maxThreads: {
    env: 'LANDUSE_MAX_THREADS',
    group: 'Agent',
    description:
      'Conversations kept in LANDUSE_THREADS_DB_PATH (about 5 KB each); past it the least recently used are deleted.',
    ...positiveInt(50000, 10_000_000),
  },
  maxThreadsPerOwner: {
    env: 'LANDUSE_MAX_THREADS_PER_OWNER',
    group: 'Agent',
    description:
      "Conversations kept per API key, or per client address for callers without a key; a new one past it deletes that caller's least recently used.",
    ...positiveInt(200),
  },
  maxHistoryLength: {
    env: 'LANDUSE_MAX_HISTORY_LENGTH',
    group: 'Agent',
    description: 'Messages of a conversation thread sent to the model.',
    ...positiveInt(20, 1000),
  },
  enableSqlTool: {
    env: 'LANDUSE_ENABLE_SQL_TOOL',
    group: 'Agent',
    description: 'Give the agent the guarded free-form SQL tool.',
    ...flag(false),
  },
  fallbackToOffline: {
    env: 'LANDUSE_FALLBACK_TO_OFFLINE',
    group: 'Agent',
    description: 'Answer with the offline planner when the model provider fails.',
    ...flag(true),
  },
  allowedProviders: {
    env: 'LANDUSE_ALLOWED_PROVIDERS',
    group: 'Agent',
    description:
      'Comma-separated providers a request may name ("provider" in /api/ask) besides offline and LANDUSE_PROVIDER; unset allows anthropic and openai when their key is set. Others use their default endpoint and model.',
    accepts: `a comma-separated list of ${PROVIDERS.join(', ')}`,
    default: '',
    schema: z
      .string()
      .transform((t) => t.split(',').map((k) => k.trim().toLowerCase()))
      .pipe(z.array(z.enum(PROVIDERS)).min(1))
      .default([]),
  },
  providerConnectTimeoutSeconds: {
    env: 'LANDUSE_PROVIDER_CONNECT_TIMEOUT',
    group: 'Agent',
    description:
      "Seconds a provider's reply may take to start (TCP connect and the first byte; replies are streamed) before the call counts as failed.",
    ...positiveSeconds(3),
  },
  circuitFailures: {
    env: 'LANDUSE_CIRCUIT_FAILURES',
    group: 'Agent',
    description:
      'Failed provider calls in a row after which its circuit opens: questions skip it (offline planner, or 503 without LANDUSE_FALLBACK_TO_OFFLINE).',
    ...positiveInt(3),
  },
  circuitCooldownSeconds: {
    env: 'LANDUSE_CIRCUIT_COOLDOWN',
    group: 'Agent',
    description:
      'Seconds an open provider circuit waits before one trial call decides whether it closes.',
    ...positiveSeconds(30),
  },
  agentPoolSize: {
    env: 'LANDUSE_AGENT_POOL_SIZE',
    group: 'Agent',
    description: 'Agents the server runs at once; more questions wait in line.',
    ...positiveInt(4, 64),
  },
  agentQueueSize: {
    env: 'LANDUSE_AGENT_QUEUE_SIZE',
    group: 'Agent',
    description: 'Questions that may wait for a free agent; beyond that the server answers 503.',
    accepts: 'a whole number from 0 to 100,000',
    default: '100',
    schema: digits.pipe(z.number().int().min(0).max(100_000)).default(100),
  },
  agentQueueTimeoutSeconds: {
    env: 'LANDUSE_AGENT_QUEUE_TIMEOUT',
    group: 'Agent',
    description: 'Seconds a question waits for a free agent before the server answers 503.',
    ...positiveSeconds(10),
  },
  embeddingProvider: {
    env: 'LANDUSE_EMBEDDING_PROVIDER',
    group: 'Knowledge base',
    description:
      'Embeddings for hybrid search of the knowledge base (knowledge/): none searches the full text only (BM25, offline); openai or ollama add vector search over their HTTP APIs, the vectors cached in LANDUSE_EMBEDDING_CACHE_DIR.',
    ...oneOf(['none', 'openai', 'ollama'], 'none'),
  },
  embeddingModel: {
    env: 'LANDUSE_EMBEDDING_MODEL',
    group: 'Knowledge base',
    description:
      'The embedding model; unset means text-embedding-3-small (openai) or nomic-embed-text (ollama).',
    accepts: 'a model name',
    default: '',
    schema: z.string().trim().optional(),
  },
  embeddingBaseUrl: {
    env: 'LANDUSE_EMBEDDING_BASE_URL',
    group: 'Knowledge base',
    description:
      "The embedding provider's endpoint; unset means https://api.openai.com/v1 (openai, with OPENAI_API_KEY) or http://127.0.0.1:11434 (ollama).",
    ...optionalUrl(['http', 'https'], 'an http:// or https:// URL'),
  },
  embeddingCacheDir: {
    env: 'LANDUSE_EMBEDDING_CACHE_DIR',
    group: 'Knowledge base',
    description:
      "Where the knowledge base's vectors are kept, keyed by each section's content hash, so each is computed once.",
    accepts: 'a directory path',
    default: 'data/embeddings',
    schema: z.string().trim().min(1).default('data/embeddings'),
  },
  ...SERVICE_SETTINGS,
  anthropicApiKey: {
    env: 'ANTHROPIC_API_KEY',
    group: 'Provider keys',
    description: 'API key for LANDUSE_PROVIDER=anthropic.',
    accepts: 'a key without spaces',
    default: '',
    secret: true,
    schema: z.string().trim().regex(noSpaces).optional(),
  },
  openaiApiKey: {
    env: 'OPENAI_API_KEY',
    group: 'Provider keys',
    description:
      'API key for LANDUSE_PROVIDER=openai (and openai-compatible servers that want one).',
    accepts: 'a key without spaces',
    default: '',
    secret: true,
    schema: z.string().trim().regex(noSpaces).optional(),
  },
} as const satisfies Record<string, Setting<unknown>>;

/**
 * The parsed configuration, inferred from the table: each field is what its setting's schema
 * produces. Durations carry their unit in the name; sizes are in bytes; the settings' own
 * descriptions (and .env.example) say what each one means.
 */
export type Config = {
  readonly [K in keyof typeof SETTINGS]: z.output<(typeof SETTINGS)[K]['schema']>;
};
