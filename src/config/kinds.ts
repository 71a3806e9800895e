/** The kinds of value a setting can take: each a zod schema with its default and wording. */
import { z } from 'zod';

/** One row of the settings table. */
export interface Setting<T> {
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
  /**
   * A value of only spaces is an error instead of "unset": for LANDUSE_API_KEYS, where unset
   * means an open API, `" "` is far more likely a mistake than a wish.
   */
  readonly refuseBlank?: boolean;
  /** Parses the variable's value (undefined when unset or blank) into the Config field. */
  readonly schema: z.ZodType<T, string | undefined>;
}

type Kind<T> = Pick<Setting<T>, 'accepts' | 'default' | 'schema'>;

export const digits = z
  .string()
  .trim()
  .regex(/^\+?\d+$/)
  .transform(Number);
export const decimal = z
  .string()
  .trim()
  .regex(/^\+?(\d+(\.\d*)?|\.\d+)$/)
  .transform(Number);

/** The longest any timeout may be: past an hour a "timeout" is a mistake in units. */
const MAX_TIMEOUT_SECONDS = 3600;

/** The largest count a setting takes unless its row names a smaller maximum. */
const MAX_COUNT = 1_000_000;

/**
 * A whole number from 1 to `max`. Every count has a maximum: a typo such as
 * LANDUSE_THREADS=1000000 must be refused, not start a million threads.
 */
export function positiveInt(def: number, max = MAX_COUNT): Kind<number> {
  return {
    accepts: `a positive integer up to ${max.toLocaleString('en-US')}`,
    default: String(def),
    schema: digits.pipe(z.number().int().min(1).max(max)).default(def),
  };
}

/** A positive number of seconds, at most `max` (an hour unless said otherwise). */
export function positiveSeconds(def: number, max = MAX_TIMEOUT_SECONDS): Kind<number> {
  return {
    accepts: `a positive number of seconds up to ${max.toLocaleString('en-US')}`,
    default: String(def),
    schema: decimal.pipe(z.number().gt(0).max(max)).default(def),
  };
}

export function flag(def: boolean): Kind<boolean> {
  const bool = z.stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'] });
  return {
    accepts: 'true, false, 1, 0, yes or no',
    default: String(def),
    schema: z.string().trim().pipe(bool).default(def),
  };
}

export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  def: T[number],
): Kind<T[number]> {
  return {
    accepts: `one of ${values.join(', ')}`,
    default: def,
    schema: z.string().trim().toLowerCase().pipe(z.enum(values)).default(def),
  };
}

export function optionalUrl(
  protocols: readonly string[],
  accepts: string,
): Kind<string | undefined> {
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
export function parseBytes(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) > 0 ? Number(t) : undefined;
  const m = SIZE.exec(t);
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!);
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : undefined;
}

// The environment's percentage is kept as written here and resolved in loadConfig, which is
// where the machine's memory comes in as a parameter.
export const memoryLimit = z
  .string()
  .trim()
  .refine((t) => {
    const pct = /^(\d+(?:\.\d+)?) ?%$/.exec(t);
    if (pct) return Number(pct[1]) > 0 && Number(pct[1]) <= 100;
    // Unlike the cache size, a bare number is refused: DuckDB wants a unit.
    return SIZE.test(t) && parseBytes(t) !== undefined;
  })
  .transform((t) => t.replace(/ /g, ''));

export const noSpaces = /^\S+$/;
