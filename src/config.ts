/**
 * Configuration: the only reader of process.env. Every setting is one row of SETTINGS (its
 * variable, default, accepted values and zod schema); the Config type, the zod schema, the
 * documentation (CONFIG_DOCS) and .env.example all come from that table.
 */
import os from 'node:os';
import { z } from 'zod';
import { AppError, editDistance } from './domain/index.ts';

export const PROVIDERS = ['offline', 'anthropic', 'openai', 'ollama', 'openai-compatible'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The parsed configuration. Durations carry their unit in the name; sizes are in bytes. */
export interface Config {
  // Database
  /** LANDUSE_DB_PATH: the DuckDB file (default data/landuse.duckdb). */
  readonly dbPath: string;
  /** LANDUSE_MEMORY_LIMIT: DuckDB memory_limit with a unit DuckDB accepts ("2GB", "512MiB");
   *  a percentage in the environment is resolved here against the machine's memory. */
  readonly memoryLimit: string;
  /** LANDUSE_THREADS: DuckDB worker threads (default 2). */
  readonly threads: number;
  // Queries
  /** LANDUSE_MAX_QUERY_ROWS: most rows any query returns (default 1000). */
  readonly maxQueryRows: number;
  /** LANDUSE_MAX_EXECUTION_TIME: a query is cancelled after this many seconds (default 30). */
  readonly maxExecutionTimeSeconds: number;
  /** LANDUSE_DEFAULT_DISPLAY_LIMIT: rows shown in a table unless asked for more (default 50). */
  readonly defaultDisplayLimit: number;
  /** LANDUSE_POOL_SIZE: DuckDB connections in the pool (default 4). */
  readonly poolSize: number;
  /** LANDUSE_POOL_TIMEOUT: seconds to wait for a free connection (default 5). */
  readonly poolTimeoutSeconds: number;
  // Cache
  /** LANDUSE_CACHE_TTL: seconds a cached result lives (default 3600). */
  readonly cacheTtlSeconds: number;
  /** LANDUSE_CACHE_MAX_BYTES: size bound of the in-process cache, in bytes (default 64 MiB). */
  readonly cacheMaxBytes: number;
  /** LANDUSE_REDIS_URL: shared L2 cache (redis:// or rediss://); unset means no Redis. */
  readonly redisUrl: string | undefined;
  // Agent
  /** LANDUSE_PROVIDER: the model behind the agent (default offline: no key, no network). */
  readonly provider: Provider;
  /** LANDUSE_MODEL: the provider's model name; unset means the provider's default. */
  readonly model: string | undefined;
  /** LANDUSE_TEMPERATURE: sampling temperature, 0 to 2 (default 0.2). */
  readonly temperature: number;
  /** LANDUSE_MAX_TOKENS: most tokens in one model reply (default 4000). */
  readonly maxTokens: number;
  /** LANDUSE_BASE_URL: the provider's endpoint (http or https); unset means its default. */
  readonly baseUrl: string | undefined;
  /** LANDUSE_MAX_ITERATIONS: most model-tool round trips for one question (default 8). */
  readonly maxIterations: number;
  /** LANDUSE_RATE_LIMIT_CALLS: model calls allowed per window (default 50). */
  readonly rateLimitCalls: number;
  /** LANDUSE_RATE_LIMIT_WINDOW: the rate-limit window in seconds (default 60). */
  readonly rateLimitWindowSeconds: number;
  /** LANDUSE_ENABLE_MEMORY: keep conversation threads between questions (default true). */
  readonly enableMemory: boolean;
  /** LANDUSE_MAX_HISTORY_LENGTH: messages of a thread sent to the model (default 20). */
  readonly maxHistoryLength: number;
  /** LANDUSE_ENABLE_SQL_TOOL: give the agent the guarded free-form SQL tool (default false). */
  readonly enableSqlTool: boolean;
  /** LANDUSE_FALLBACK_TO_OFFLINE: use the offline planner when the provider fails (default true). */
  readonly fallbackToOffline: boolean;
  /** LANDUSE_AGENT_POOL_SIZE: agents the server runs at once (default 4). */
  readonly agentPoolSize: number;
  // Server
  /** LANDUSE_HOST: the address the server listens on (default 127.0.0.1). */
  readonly host: string;
  /** LANDUSE_PORT: the server port, 0 for any free port (default 8000). */
  readonly port: number;
  /** LANDUSE_API_KEYS: keys accepted by the API; empty means the API needs no key. Secret. */
  readonly apiKeys: readonly string[];
  /** LANDUSE_LOG_LEVEL: pino log level (default info). */
  readonly logLevel: LogLevel;
  // Provider keys
  /** ANTHROPIC_API_KEY: for provider anthropic. Secret. */
  readonly anthropicApiKey: string | undefined;
  /** OPENAI_API_KEY: for provider openai (and openai-compatible servers that want one). Secret. */
  readonly openaiApiKey: string | undefined;
}

/** One row of the settings table. */
interface Setting<T> {
  /** The environment variable. */
  readonly env: string;
  readonly group: string;
  readonly description: string;
  /** What a valid value looks like, as error messages and .env.example say it. */
  readonly accepts: string;
  /** The default as it would be written in the environment; '' when the default is unset. */
  readonly default: string;
  /** Secrets are never echoed: not in errors, not in redactConfig. */
  readonly secret?: boolean;
  /** Parses the variable's value (undefined when unset or blank) into the Config field. */
  readonly schema: z.ZodType<T, string | undefined>;
}

type Kind<T> = Pick<Setting<T>, 'accepts' | 'default' | 'schema'>;

const digits = z
  .string()
  .trim()
  .regex(/^\+?\d+$/)
  .transform(Number);
const decimal = z
  .string()
  .trim()
  .regex(/^\+?(\d+(\.\d*)?|\.\d+)$/)
  .transform(Number);

function positiveInt(def: number): Kind<number> {
  return {
    accepts: 'a positive integer',
    default: String(def),
    schema: digits.pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)).default(def),
  };
}

function positiveSeconds(def: number): Kind<number> {
  return {
    accepts: 'a positive number of seconds',
    default: String(def),
    schema: decimal.pipe(z.number().gt(0).max(Number.MAX_SAFE_INTEGER)).default(def),
  };
}

function flag(def: boolean): Kind<boolean> {
  const bool = z.stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'] });
  return {
    accepts: 'true, false, 1, 0, yes or no',
    default: String(def),
    schema: z.string().trim().pipe(bool).default(def),
  };
}

function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  def: T[number],
): Kind<T[number]> {
  return {
    accepts: `one of ${values.join(', ')}`,
    default: def,
    schema: z.string().trim().toLowerCase().pipe(z.enum(values)).default(def),
  };
}

function optionalUrl(protocols: readonly string[], accepts: string): Kind<string | undefined> {
  const protocol = new RegExp(`^(${protocols.join('|')})$`);
  return {
    accepts,
    default: '',
    schema: z.string().trim().pipe(z.url({ protocol })).optional(),
  };
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};
const SIZE = /^(\d+(?:\.\d+)?) ?(b|kb|mb|gb|tb|kib|mib|gib|tib)$/i;

/** "64MiB" -> 67108864, "1000" -> 1000; undefined when it is not a positive size. */
function parseBytes(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) > 0 ? Number(t) : undefined;
  const m = SIZE.exec(t);
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!);
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : undefined;
}

// The environment's percentage is kept as written here and resolved in loadConfig, which is
// where the machine's memory comes in as a parameter.
const memoryLimit = z
  .string()
  .trim()
  .refine((t) => {
    const pct = /^(\d+(?:\.\d+)?) ?%$/.exec(t);
    if (pct) return Number(pct[1]) > 0 && Number(pct[1]) <= 100;
    // Unlike the cache size, a bare number is refused: DuckDB wants a unit.
    return SIZE.test(t) && parseBytes(t) !== undefined;
  })
  .transform((t) => t.replace(/ /g, ''));

const noSpaces = /^\S+$/;

/** Every setting, keyed by its Config field. The mapped type keeps this table and Config in step. */
const SETTINGS: { readonly [K in keyof Config]-?: Setting<Config[K]> } = {
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
    description: 'DuckDB worker threads.',
    ...positiveInt(2),
  },
  poolSize: {
    env: 'LANDUSE_POOL_SIZE',
    group: 'Database',
    description: 'DuckDB connections in the pool.',
    ...positiveInt(4),
  },
  poolTimeoutSeconds: {
    env: 'LANDUSE_POOL_TIMEOUT',
    group: 'Database',
    description: 'Seconds to wait for a free connection before failing the request.',
    ...positiveSeconds(5),
  },
  maxQueryRows: {
    env: 'LANDUSE_MAX_QUERY_ROWS',
    group: 'Queries',
    description: 'Most rows any query returns.',
    ...positiveInt(1000),
  },
  maxExecutionTimeSeconds: {
    env: 'LANDUSE_MAX_EXECUTION_TIME',
    group: 'Queries',
    description: 'Seconds a query may run before it is cancelled.',
    ...positiveSeconds(30),
  },
  defaultDisplayLimit: {
    env: 'LANDUSE_DEFAULT_DISPLAY_LIMIT',
    group: 'Queries',
    description:
      'Rows shown in a table unless more are asked for (at most LANDUSE_MAX_QUERY_ROWS).',
    ...positiveInt(50),
  },
  cacheTtlSeconds: {
    env: 'LANDUSE_CACHE_TTL',
    group: 'Cache',
    description: 'Seconds a cached query result lives.',
    ...positiveInt(3600),
    accepts: 'a positive integer number of seconds',
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
    description: 'Redis for the shared (L2) cache; unset means in-process caching only.',
    ...optionalUrl(['redis', 'rediss'], 'a redis:// or rediss:// URL'),
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
    ...positiveInt(4000),
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
    ...positiveInt(8),
  },
  rateLimitCalls: {
    env: 'LANDUSE_RATE_LIMIT_CALLS',
    group: 'Agent',
    description: 'Model calls allowed per rate-limit window.',
    ...positiveInt(50),
  },
  rateLimitWindowSeconds: {
    env: 'LANDUSE_RATE_LIMIT_WINDOW',
    group: 'Agent',
    description: 'The rate-limit window in seconds.',
    ...positiveInt(60),
  },
  enableMemory: {
    env: 'LANDUSE_ENABLE_MEMORY',
    group: 'Agent',
    description: 'Keep conversation threads so follow-up questions have context.',
    ...flag(true),
  },
  maxHistoryLength: {
    env: 'LANDUSE_MAX_HISTORY_LENGTH',
    group: 'Agent',
    description: 'Messages of a conversation thread sent to the model.',
    ...positiveInt(20),
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
  agentPoolSize: {
    env: 'LANDUSE_AGENT_POOL_SIZE',
    group: 'Agent',
    description: 'Agents the server runs at once; more questions wait in line.',
    ...positiveInt(4),
  },
  host: {
    env: 'LANDUSE_HOST',
    group: 'Server',
    description: 'The address the server listens on (0.0.0.0 for every interface).',
    accepts: 'a host name or IP address',
    default: '127.0.0.1',
    schema: z
      .string()
      .trim()
      .regex(/^[^\s/]+$/)
      .default('127.0.0.1'),
  },
  port: {
    env: 'LANDUSE_PORT',
    group: 'Server',
    description: 'The server port (0 picks a free port).',
    accepts: 'a port number from 0 to 65535',
    default: '8000',
    schema: digits.pipe(z.number().int().min(0).max(65535)).default(8000),
  },
  apiKeys: {
    env: 'LANDUSE_API_KEYS',
    group: 'Server',
    description: 'Comma-separated keys the HTTP API accepts; unset means the API needs no key.',
    accepts: 'a comma-separated list of keys without spaces',
    default: '',
    secret: true,
    schema: z
      .string()
      .transform((t) => t.split(',').map((k) => k.trim()))
      .pipe(z.array(z.string().regex(noSpaces)).min(1))
      .default([]),
  },
  logLevel: {
    env: 'LANDUSE_LOG_LEVEL',
    group: 'Server',
    description: 'Log level.',
    ...oneOf(LOG_LEVELS, 'info'),
  },
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
};

type Field = keyof Config;
const FIELDS = Object.keys(SETTINGS) as Field[];

/**
 * The one schema over every setting, keyed by Config field, reading raw environment strings
 * (undefined for unset). loadConfig applies it field by field so that every error is reported.
 */
export const configSchema = z.object(
  Object.fromEntries(FIELDS.map((f) => [f, SETTINGS[f].schema])) as {
    [K in Field]: z.ZodType<Config[K], string | undefined>;
  },
);

/** One documented setting, in the order .env.example lists them. */
export interface ConfigDoc {
  /** The environment variable. */
  readonly key: string;
  /** The default as written in the environment; '' means unset. */
  readonly default: string;
  readonly description: string;
  /** What a valid value looks like. */
  readonly accepts: string;
  /** The Config field it sets. */
  readonly field: Field;
  readonly group: string;
  readonly secret: boolean;
}

/** Every setting with its default and description: the source of .env.example. */
export const CONFIG_DOCS: readonly ConfigDoc[] = FIELDS.map((field) => {
  const s = SETTINGS[field];
  return {
    key: s.env,
    default: s.default,
    description: s.description,
    accepts: s.accepts,
    field,
    group: s.group,
    secret: s.secret ?? false,
  };
});

const KNOWN_KEYS = new Set(CONFIG_DOCS.map((d) => d.key));

/** One problem with the configuration. */
export interface ConfigIssue {
  /** The environment variable. */
  readonly key: string;
  readonly message: string;
}

/** The environment does not make a valid configuration; `issues` lists every problem. */
export class ConfigError extends AppError {
  override readonly code = 'config:invalid';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((i) => `  - ${i.message}`);
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super('config:invalid', `Invalid configuration (${count}):\n${lines.join('\n')}`, {
      details: { issues },
    });
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** The host facts loadConfig may need; tests pass fixed values. */
export interface ConfigSystem {
  /** Total memory in bytes, to resolve a percentage LANDUSE_MEMORY_LIMIT (default os.totalmem()). */
  readonly totalMemoryBytes?: number;
}

/**
 * Reads and checks every setting. Blank values count as unset. Throws a ConfigError listing every
 * bad value, every unknown LANDUSE_* variable (with the nearest known name) and every
 * inconsistency at once; secrets are never echoed.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  system: ConfigSystem = {},
): Config {
  const issues: ConfigIssue[] = [];
  const values: Partial<Record<Field, unknown>> = {};

  for (const field of FIELDS) {
    const setting = SETTINGS[field];
    const raw = env[setting.env];
    const value = raw === undefined || raw.trim() === '' ? undefined : raw;
    const result = configSchema.shape[field].safeParse(value);
    if (result.success) values[field] = result.data;
    else issues.push({ key: setting.env, message: describeBadValue(setting, value ?? '') });
  }

  for (const key of Object.keys(env)) {
    if (/^LANDUSE_/i.test(key) && !KNOWN_KEYS.has(key)) {
      issues.push({ key, message: describeUnknownKey(key) });
    }
  }

  issues.push(...crossChecks(values));
  if (issues.length > 0) throw new ConfigError(issues);

  const config = values as unknown as Config;
  return { ...config, memoryLimit: resolveMemoryLimit(config.memoryLimit, system) };
}

function crossChecks(values: Partial<Record<Field, unknown>>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { defaultDisplayLimit, maxQueryRows, provider, baseUrl } = values as Partial<Config>;
  if (
    defaultDisplayLimit !== undefined &&
    maxQueryRows !== undefined &&
    defaultDisplayLimit > maxQueryRows
  ) {
    issues.push({
      key: SETTINGS.defaultDisplayLimit.env,
      message:
        `${SETTINGS.defaultDisplayLimit.env}=${defaultDisplayLimit} is more than ` +
        `${SETTINGS.maxQueryRows.env}=${maxQueryRows}: a table cannot show more rows than a query returns`,
    });
  }
  if (provider === 'openai-compatible' && 'baseUrl' in values && baseUrl === undefined) {
    issues.push({
      key: SETTINGS.baseUrl.env,
      message: `${SETTINGS.baseUrl.env} is required when ${SETTINGS.provider.env}=openai-compatible: expected an http:// or https:// URL`,
    });
  }
  return issues;
}

function describeBadValue(setting: Setting<unknown>, value: string): string {
  const def = setting.default === '' ? 'unset by default' : `default ${setting.default}`;
  const expected = `expected ${setting.accepts} (${def})`;
  if (setting.secret) return `${setting.env} is malformed (value not shown): ${expected}`;
  return `${setting.env}=${quote(value)}: ${expected}`;
}

/** The value as JSON (so spaces and control characters show), credentials hidden, kept short. */
function quote(value: string): string {
  const safe = value.replace(/\/\/[^/@\s]*@/g, '//***@');
  const shown = safe.length > 60 ? `${safe.slice(0, 57)}...` : safe;
  return JSON.stringify(shown);
}

function describeUnknownKey(key: string): string {
  // Never the value: a mistyped key may well hold a secret (LANDUSE_API_KEY for LANDUSE_API_KEYS).
  const upper = key.toUpperCase();
  const known = [...KNOWN_KEYS].filter((k) => k.startsWith('LANDUSE_'));
  if (known.includes(upper))
    return `${key} is not a known setting: names are upper case (${upper})`;
  const suffixLength = upper.length - 'LANDUSE_'.length;
  // A cut-short name ("LANDUSE_DB") is nearer its completion than edit distance says.
  const completions = known.filter((k) => suffixLength >= 2 && k.startsWith(upper));
  let best = completions.length === 1 ? completions[0] : undefined;
  if (best === undefined) {
    let bestDistance = Math.max(2, Math.ceil(suffixLength / 3)) + 1;
    for (const k of known) {
      const d = editDistance(upper, k);
      if (d < bestDistance) [best, bestDistance] = [k, d];
    }
  }
  if (best !== undefined) return `${key} is not a known setting: did you mean ${best}?`;
  return `${key} is not a known setting (the settings are listed in .env.example)`;
}

function resolveMemoryLimit(limit: string, system: ConfigSystem): string {
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(limit);
  if (!pct) return limit;
  const total = system.totalMemoryBytes ?? os.totalmem();
  const mib = Math.max(1, Math.floor((total * Number(pct[1])) / 100 / 2 ** 20));
  return `${mib}MiB`;
}

/** A copy safe to log or show on a status page: secrets replaced by "[redacted]". */
export function redactConfig(config: Config): Record<Field, unknown> {
  const out = { ...config } as Record<Field, unknown>;
  for (const field of FIELDS) {
    if (!SETTINGS[field].secret) continue;
    const v = out[field];
    if (Array.isArray(v)) out[field] = v.map(() => '[redacted]');
    else if (v !== undefined) out[field] = '[redacted]';
  }
  for (const field of ['redisUrl', 'baseUrl'] as const) {
    const v = config[field];
    if (v !== undefined) out[field] = v.replace(/\/\/[^/@\s]*@/g, '//***@');
  }
  return out;
}

/** The text of .env.example, generated from CONFIG_DOCS. */
export function renderEnvExample(): string {
  const lines = [
    '# RPA Land Use Analytics settings: every variable src/config.ts reads, with its default.',
    '# Uncomment and change what you need; a blank value means the default.',
    '# Generated from CONFIG_DOCS; after changing settings, regenerate it with',
    `#   npx tsx -e "import('./src/config.ts').then((m) => process.stdout.write(m.renderEnvExample()))" > .env.example`,
  ];
  let group = '';
  for (const doc of CONFIG_DOCS) {
    if (doc.group !== group) {
      group = doc.group;
      lines.push('', `# ---- ${group} ----`);
    }
    const def = doc.default === '' ? 'unset' : doc.default;
    lines.push('', `# ${doc.description}`, `# Accepts ${doc.accepts}; default ${def}.`);
    lines.push(`# ${doc.key}=${doc.default}`);
  }
  return `${lines.join('\n')}\n`;
}
