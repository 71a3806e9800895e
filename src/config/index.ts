/**
 * Configuration: the only reader of process.env. Every setting is one row of SETTINGS in
 * settings.ts (its variable, default, accepted values and zod schema); the Config type,
 * the zod schema, the documentation (CONFIG_DOCS) and .env.example all come from that table.
 */
import os from 'node:os';
import { z } from 'zod';
import { AppError, editDistance } from '../domain/index.ts';
import { SETTINGS, type Config, type Setting } from './settings.ts';

export { PROVIDERS, type Config, type Provider } from './settings.ts';

type Field = keyof Config;
const FIELDS = Object.keys(SETTINGS) as Field[];
/** The table seen row by row, every optional column present. */
const TABLE: Readonly<Record<Field, Setting<unknown>>> = SETTINGS;

/**
 * The one schema over every setting, keyed by Config field, reading raw environment strings
 * (undefined for unset). loadConfig applies it field by field so that every error is reported.
 */
export const configSchema = z.object(
  Object.fromEntries(FIELDS.map((f) => [f, TABLE[f].schema])) as unknown as {
    [K in Field]: z.ZodType<Config[K], string | undefined>;
  },
);

/** One documented setting, in the order .env.example lists them. */
interface ConfigDoc {
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
  const s = TABLE[field];
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
interface ConfigIssue {
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
interface ConfigSystem {
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
    const setting = TABLE[field];
    const raw = env[setting.env];
    const blank = raw === undefined || raw.trim() === '';
    const value = blank && !(setting.refuseBlank && raw) ? undefined : raw;
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
    if (!TABLE[field].secret) continue;
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
    '# RPA Land Use Analytics settings: every variable src/config/index.ts reads, with its default.',
    '# Uncomment and change what you need; a blank value means the default.',
    '# Generated from CONFIG_DOCS; after changing settings, regenerate it with',
    `#   npx tsx -e "import('./src/config/index.ts').then((m) => process.stdout.write(m.renderEnvExample()))" > .env.example`,
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
