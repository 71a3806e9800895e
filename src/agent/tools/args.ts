/**
 * Reading a tool call's arguments: forgiving about form (nulls, a string for a list, "2050" for a
 * number, "cropland" for crop, `state` for `states`), strict about meaning. Whatever is still
 * wrong becomes one AppError('tool:bad_args') that names each field and its valid values, so a
 * model can correct its next call.
 */
import { z } from 'zod';
import { AppError, findLandUse, findLandUseCategory, isAppError } from '../../domain/index.ts';
import type { Metric } from '../../analytics/index.ts';
import { AREA_METRICS, type ToolMetric } from './schemas.ts';

type Args = Record<string, unknown>;
type AnyObject = z.ZodObject<z.ZodRawShape>;

const LAND_USE_FIELDS = ['land_use', 'from_use', 'to_use', 'source_land_use'];
const LIST_FIELDS = ['states', 'scenarios'];
const NUMBER_FIELDS = ['year', 'limit'];
const WORD_FIELDS = ['metric', 'change_type'];

/** Parses a tool call's arguments with the tool's schema, after tidying their form. */
export function parseArgs<S extends AnyObject>(
  tool: string,
  schema: S,
  input: unknown,
): z.infer<S> {
  const args = tidy(schema, input, tool);
  const r = schema.safeParse(args);
  if (r.success) return r.data;
  const messages = r.error.issues.map((issue) => describeIssue(tool, schema, args, issue));
  const fields = r.error.issues.map((i) =>
    i.code === 'unrecognized_keys' ? i.keys.join(', ') : fieldOf(i.path),
  );
  throw new AppError('tool:bad_args', messages.join(' '), { details: { tool, fields } });
}

function tidy(schema: AnyObject, input: unknown, tool: string): Args {
  let raw: unknown = input ?? {};
  // Some models send the arguments as a JSON string.
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw || '{}') as unknown;
    } catch {
      throw new AppError('tool:bad_args', `The arguments of ${tool} must be a JSON object.`);
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AppError('tool:bad_args', `The arguments of ${tool} must be a JSON object.`);
  }
  const keys = Object.keys(schema.shape);
  const out: Args = {};
  for (const [key, value] of Object.entries(raw as Args)) {
    if (value === null || value === undefined || value === '') continue;
    out[key] = value;
  }
  // One state given to a tool that takes a list, or a one-item list to a tool that takes one.
  if ('state' in out && keys.includes('states') && !keys.includes('state')) {
    out.states ??= out.state;
    delete out.state;
  }
  if ('states' in out && keys.includes('state') && !keys.includes('states')) {
    const s = out.states;
    if (Array.isArray(s) && s.length === 1) out.state = s[0];
    else if (typeof s === 'string') out.state = s;
    if ('state' in out) delete out.states;
  }
  for (const [key, value] of Object.entries(out)) {
    if (LIST_FIELDS.includes(key) && typeof value === 'string') {
      out[key] = value
        .split(/[,;]/)
        .map((s) => s.trim())
        .filter(Boolean);
    } else if (
      NUMBER_FIELDS.includes(key) &&
      typeof value === 'string' &&
      /^\s*\d+\s*$/.test(value)
    ) {
      out[key] = Number(value);
    } else if (LAND_USE_FIELDS.includes(key) && typeof value === 'string') {
      out[key] = findLandUse(value)?.key ?? value.trim().toLowerCase();
    } else if (key === 'ag_type' && typeof value === 'string') {
      out[key] = agType(value);
    } else if (WORD_FIELDS.includes(key) && typeof value === 'string') {
      out[key] = value
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_');
    }
  }
  return out;
}

function agType(text: string): string {
  const t = text.trim().toLowerCase();
  if (t === 'crop' || t === 'pasture' || t === 'agriculture') return t;
  if (findLandUseCategory(t) === 'Agriculture' || /^(ag|agri|both|all)$/.test(t)) {
    return 'agriculture';
  }
  return findLandUse(t)?.key ?? t;
}

const fieldOf = (path: readonly PropertyKey[]): string => path.map(String).join('.') || 'arguments';

function describeIssue(
  tool: string,
  schema: AnyObject,
  args: Args,
  issue: z.core.$ZodIssue,
): string {
  if (issue.code === 'unrecognized_keys') {
    const s = issue.keys.length > 1 ? 's' : '';
    const takes = Object.keys(schema.shape);
    return `Unknown argument${s} ${issue.keys.join(', ')} for ${tool}; it takes ${takes.length ? takes.join(', ') : 'no arguments'}.`;
  }
  const field = fieldOf(issue.path);
  const top = String(issue.path[0] ?? '');
  const fieldSchema = schema.shape[top] as z.ZodType | undefined;
  const choices = fieldSchema ? choicesOf(fieldSchema) : undefined;
  const given = args[top];
  if (given === undefined) {
    return `Missing ${field}: ${fieldSchema?.description ?? 'required'}${choices ? `. Use one of: ${choices.join(', ')}` : ''}.`;
  }
  const shown = typeof given === 'string' ? ` "${given}"` : '';
  if (choices) return `Invalid ${field}${shown}: use one of ${choices.join(', ')}.`;
  return `Invalid ${field}${shown}: ${issue.message}${fieldSchema?.description ? ` (${fieldSchema.description})` : ''}.`;
}

/** The values an enum field allows (through optional and array wrappers). */
function choicesOf(schema: z.ZodType): string[] | undefined {
  if (schema instanceof z.ZodOptional) return choicesOf(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodArray) return choicesOf(schema.element as z.ZodType);
  if (schema instanceof z.ZodEnum) return schema.options.map(String);
  return undefined;
}

/** A bad argument found after parsing (an alias that needs another field, a conflict). */
export function badArg(tool: string, field: string, message: string): AppError {
  return new AppError('tool:bad_args', `Invalid ${field}: ${message}`, {
    details: { tool, fields: [field] },
  });
}

/** The land use a metric is about (undefined for ag_loss: crop and pasture together). */
export function landUseOfMetric(metric: Metric): string | undefined {
  if (metric === 'urban_expansion') return 'urban';
  if (metric === 'ag_loss') return undefined;
  return metric.split('_')[0];
}

/**
 * A tool metric as an analytics metric: urban_growth is urban_expansion; land_area is the area of
 * `land_use`. A land_use that contradicts the metric is an error rather than a guess.
 */
export function toMetric(tool: string, metric: ToolMetric, landUse: string | undefined): Metric {
  if (metric === 'land_area') {
    if (!landUse) {
      throw badArg(
        tool,
        'metric',
        `land_area needs land_use (crop, pasture, rangeland, forest or urban); or use one of ${AREA_METRICS.join(', ')}.`,
      );
    }
    return `${landUse}_area` as Metric;
  }
  const m: Metric = metric === 'urban_growth' ? 'urban_expansion' : metric;
  const own = landUseOfMetric(m);
  const fits =
    own === landUse || (m === 'ag_loss' && (landUse === 'crop' || landUse === 'pasture'));
  if (landUse && !fits) {
    throw badArg(
      tool,
      'land_use',
      `"${landUse}" does not fit metric ${m}; give land_use only with metric land_area, or use ${landUse}_area.`,
    );
  }
  return m;
}

/** The tool argument a `bad_request:*` error from the analytics layer is about. */
const FIELD_BY_CODE: Readonly<Record<string, string>> = {
  unknown_state: 'states',
  unknown_scenario: 'scenario',
  ambiguous_scenario: 'scenario',
  unknown_land_use: 'land_use',
  unknown_county: 'county',
  ambiguous_county: 'county',
  unknown_metric: 'metric',
  no_runs: 'scenario',
};

/**
 * Analytics rejects values the schema cannot know (an unknown state, an ambiguous scenario, years
 * without a whole period); those are the caller's mistakes too, so they become `tool:bad_args`
 * naming the argument, with analytics' message (which lists the choices). Other errors pass.
 */
export function toToolError(tool: string, error: unknown, args: Args): unknown {
  if (!isAppError(error, 'bad_request')) return error;
  const reason = error.code.slice('bad_request:'.length);
  let field = FIELD_BY_CODE[reason] ?? stringDetail(error.details?.field) ?? 'arguments';
  if (field === 'scenario' && !('scenario' in args) && 'scenarios' in args) field = 'scenarios';
  if (reason === 'bad_years') field = 'year_range' in args ? 'year_range' : 'year';
  return new AppError('tool:bad_args', `Invalid ${field}: ${error.message}`, {
    cause: error,
    details: { ...error.details, tool, fields: [field], reason: error.code },
  });
}

const stringDetail = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
