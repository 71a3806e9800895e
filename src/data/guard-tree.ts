/**
 * Walks the JSON parse tree that DuckDB's `json_serialize_sql` makes of a SELECT statement and
 * finds the first thing a guarded query may not do. Every object and array is visited, so a table
 * reference or function call is checked wherever it sits: CTE bodies, subqueries, joins, set
 * operations, PIVOT sources, window specs, lambdas, LIMIT expressions.
 *
 * Shapes the walker relies on (DuckDB 1.5): expressions carry a string `class`; table references
 * carry `type`, `alias` and `sample`; query nodes may carry `cte_map.map` as `[{key, value}]` in
 * declaration order; a recursive CTE's body is a `RECURSIVE_CTE_NODE` naming itself in `cte_name`.
 */
import { ALLOWED_TABLE_FUNCTIONS, deniedFunctionEffect, looksLikePath } from './guard-rules.ts';

export interface TreeRejection {
  code: string;
  reason: string;
}

export interface TreeRules {
  /** Lower-cased names of the tables and views a query may read. */
  tables: ReadonlySet<string>;
  /** The bound of guard-size.ts on generated values per row (MAX_GENERATED_LENGTH by default). */
  maxGeneratedLength?: number;
}

type JsonObject = Record<string, unknown>;

/** Table reference types the parser produces for read-only queries; any other one is refused. */
const TABLE_REF_TYPES = new Set([
  'BASE_TABLE',
  'JOIN',
  'SUBQUERY',
  'TABLE_FUNCTION',
  'EXPRESSION_LIST',
  'EMPTY',
  'PIVOT',
  'SHOW_REF',
]);

const TABLE_FUNCTIONS_ALLOWED = `the only table functions allowed are ${ALLOWED_TABLE_FUNCTIONS.join(', ')}`;

/** The first violation in a serialized statement, or undefined when the tree is acceptable. */
export function findViolation(statement: unknown, rules: TreeRules): TreeRejection | undefined {
  return walk(statement, new Set(), rules);
}

/**
 * `ctes` holds the CTE names (lower-cased) that an unqualified table name resolves to here. A
 * CTE body sees only the CTEs declared before it, and itself only when recursive: DuckDB resolves
 * any other name to the catalog, so `WITH a AS (FROM b), b AS (...)` reads a real table `b`.
 */
function walk(
  value: unknown,
  ctes: ReadonlySet<string>,
  rules: TreeRules,
): TreeRejection | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = walk(item, ctes, rules);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;

  let visible = ctes;
  if (value.type === 'RECURSIVE_CTE_NODE' && typeof value.cte_name === 'string') {
    visible = withName(visible, value.cte_name);
  }
  const own = checkNode(value, visible, rules);
  if (own) return own;

  if ('cte_map' in value) {
    const entries = cteEntries(value.cte_map);
    if (entries === undefined)
      return unsupported('a WITH clause DuckDB serialized in an unknown shape');
    for (const entry of entries) {
      const found = walk(entry.body, visible, rules);
      if (found) return found;
      visible = withName(visible, entry.name);
    }
  }
  for (const [key, child] of Object.entries(value)) {
    if (key === 'cte_map') continue;
    const found = walk(child, visible, rules);
    if (found) return found;
  }
  return undefined;
}

/** Checks one object by what it is: an expression, a table reference, or neither. */
function checkNode(
  node: JsonObject,
  ctes: ReadonlySet<string>,
  rules: TreeRules,
): TreeRejection | undefined {
  if (typeof node.class === 'string') return checkExpression(node);
  const isTableRef =
    typeof node.type === 'string' &&
    (TABLE_REF_TYPES.has(node.type) || ('alias' in node && 'sample' in node));
  if (!isTableRef) return undefined;
  switch (node.type) {
    case 'BASE_TABLE':
      return checkBaseTable(node, ctes, rules);
    case 'TABLE_FUNCTION':
      return checkTableFunction(node);
    case 'SHOW_REF':
      // DESCRIBE and SUMMARIZE of a query carry that query, which the walk checks; SHOW TABLES,
      // SHOW ALL TABLES and friends list the catalog instead.
      return isObject(node.query)
        ? undefined
        : unsupported('SHOW lists the catalog; the schema panel lists every table and column');
    case 'JOIN':
    case 'SUBQUERY':
    case 'EXPRESSION_LIST':
    case 'EMPTY':
    case 'PIVOT':
      return undefined;
    default:
      return unsupported(`a ${String(node.type)} table reference is not supported`);
  }
}

function checkExpression(node: JsonObject): TreeRejection | undefined {
  if (node.class === 'PARAMETER') {
    return {
      code: 'sql:parameter',
      reason:
        'The query has a parameter ($1 or ?), but nothing binds it; write the value into the query.',
    };
  }
  if (
    (node.class === 'FUNCTION' || node.class === 'WINDOW') &&
    typeof node.function_name === 'string'
  ) {
    const effect = deniedFunctionEffect(node.function_name);
    if (effect !== undefined) {
      return {
        code: 'sql:function',
        reason: `${node.function_name} ${effect}, which the explorer does not allow; use the land use tables and ordinary SQL functions.`,
      };
    }
  }
  return undefined;
}

function checkBaseTable(
  node: JsonObject,
  ctes: ReadonlySet<string>,
  rules: TreeRules,
): TreeRejection | undefined {
  const name = text(node.table_name);
  const schema = text(node.schema_name);
  const catalog = text(node.catalog_name);
  // DuckDB matches CTE names case-insensitively, and only for unqualified names.
  if (schema === '' && catalog === '' && ctes.has(name.toLowerCase())) return undefined;
  const tables = [...rules.tables].join(', ');
  if (looksLikePath(name)) {
    return {
      code: 'sql:file_access',
      reason: `'${name}' names a file or URL, and reading files is not allowed; query the land use tables: ${tables}.`,
    };
  }
  const qualified = [catalog, schema, name].filter((part) => part !== '').join('.');
  if (!isMain(schema) || !isMain(catalog)) {
    return {
      code: 'sql:unknown_table',
      reason: `${qualified} is outside the land use database; tables: ${tables}.`,
    };
  }
  if (!rules.tables.has(name.toLowerCase())) {
    return { code: 'sql:unknown_table', reason: `Unknown table ${qualified}; tables: ${tables}.` };
  }
  return undefined;
}

function checkTableFunction(node: JsonObject): TreeRejection | undefined {
  const fn = node.function;
  if (!isObject(fn) || fn.class !== 'FUNCTION' || typeof fn.function_name !== 'string') {
    return unsupported('a table function DuckDB serialized in an unknown shape');
  }
  const name = fn.function_name.toLowerCase();
  if (ALLOWED_TABLE_FUNCTIONS.includes(name)) return undefined;
  const effect = deniedFunctionEffect(name);
  return {
    code: 'sql:table_function',
    reason:
      effect === undefined
        ? `${fn.function_name} is not a table function the explorer allows; ${TABLE_FUNCTIONS_ALLOWED}.`
        : `${fn.function_name} ${effect}, which the explorer does not allow; ${TABLE_FUNCTIONS_ALLOWED}.`,
  };
}

function cteEntries(cteMap: unknown): { name: string; body: unknown }[] | undefined {
  if (!isObject(cteMap) || !Array.isArray(cteMap.map)) return undefined;
  const entries: { name: string; body: unknown }[] = [];
  for (const entry of cteMap.map) {
    if (!isObject(entry) || typeof entry.key !== 'string') return undefined;
    entries.push({ name: entry.key, body: entry.value });
  }
  return entries;
}

function unsupported(what: string): TreeRejection {
  return {
    code: 'sql:unsupported',
    reason: `The query uses something the explorer does not support (${what}); write a plain SELECT over the land use tables.`,
  };
}

function withName(names: ReadonlySet<string>, name: string): ReadonlySet<string> {
  return new Set([...names, name.toLowerCase()]);
}

function isMain(part: string): boolean {
  return part === '' || part.toLowerCase() === 'main';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
