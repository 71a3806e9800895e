import {
  DuckDBInstance,
  StatementType,
  type DuckDBConnection,
  type DuckDBMaterializedResult,
  type DuckDBPreparedStatement,
} from '@duckdb/node-api';
import { LRUCache } from 'lru-cache';
import { existsSync } from 'node:fs';
import { AppError } from '../domain/index.ts';
import { checkSchemaVersion } from './db.ts';
import { BoundedRows, readRows, type ResultBounds } from './rows.ts';
import { render, type SqlFragment, type SqlQuery } from './sql.ts';

interface PoolOptions {
  path: string;
  /** Most connections open at once (LANDUSE_POOL_SIZE). */
  size: number;
  /** How long a caller waits for a free connection before a clear error (LANDUSE_POOL_TIMEOUT). */
  acquireTimeoutMs: number;
  /** A query running longer is interrupted (LANDUSE_MAX_EXECUTION_TIME). */
  queryTimeoutMs: number;
  memoryLimit?: string;
  threads?: number;
  /** Retries of a transient error (I/O, memory), with exponential backoff. SQL errors never retry. */
  retries?: number;
  retryBaseMs?: number;
}

interface QueryResult {
  columns: string[];
  /** Rows as objects; BIGINT/HUGEINT become numbers, DECIMAL numbers, dates ISO strings. */
  rows: Record<string, unknown>[];
  elapsedMs: number;
}

interface BoundedResult extends QueryResult {
  /** Why reading stopped before the end: more rows than maxRows, or more bytes than maxBytes. */
  truncated: 'rows' | 'bytes' | undefined;
  /** Bytes of the rows returned, as JSON. */
  bytes: number;
  /** Cells that were cut to maxCellChars. */
  cutCells: number;
}

interface PoolStats {
  size: number;
  open: number;
  inUse: number;
  idle: number;
  waiting: number;
  queries: number;
  queryErrors: number;
  queryTimeouts: number;
  acquireTimeouts: number;
  retries: number;
  replaced: number;
  totalQueryMs: number;
  maxWaitMs: number;
}

/**
 * Told about every query the pool runs: its time, the rows it returned, how it ended. The
 * observability layer plugs the per-request collector in here (the data layer imports no layer
 * above it).
 */
type QueryObserver = (
  durationMs: number,
  rows: number,
  outcome: 'ok' | 'error' | 'timeout',
) => void;

interface Waiter {
  resolve: (c: DuckDBConnection) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Prepared statements kept per connection (the domain queries need a few dozen). */
const PREPARED_PER_CONNECTION = 64;

const TRANSIENT = /IO Error|Out of Memory|could not set lock|Resource temporarily unavailable/i;

/**
 * A bounded pool of connections to one DuckDB file opened read-only, with external access
 * disabled and the configuration locked, so no query can read or write files, reach the
 * network or change settings. Callers that find every connection busy wait in line up to
 * `acquireTimeoutMs`, then get a clear error instead of hanging. A connection that saw an error
 * or ran anything but a SELECT is closed and replaced before anyone else gets it, so one
 * user's `BEGIN TRANSACTION` never reaches the next user's query.
 */
export class ConnectionPool {
  private readonly idle: DuckDBConnection[] = [];
  private readonly statements = new Map<
    DuckDBConnection,
    LRUCache<string, DuckDBPreparedStatement>
  >();
  private readonly waiters: Waiter[] = [];
  private open = 0;
  private inUse = 0;
  private closed = false;
  private observer: QueryObserver | undefined;
  private readonly counters = {
    queries: 0,
    queryErrors: 0,
    queryTimeouts: 0,
    acquireTimeouts: 0,
    retries: 0,
    replaced: 0,
    totalQueryMs: 0,
    maxWaitMs: 0,
  };

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly options: PoolOptions,
  ) {}

  /** Opens the database read-only and checks its schema version. */
  static async open(options: PoolOptions): Promise<ConnectionPool> {
    if (!existsSync(options.path)) {
      throw new AppError(
        'db:missing',
        `No database at ${options.path}. Build one with \`landuse load --input FILE\` (or run \`npm start\`, which builds the demo database).`,
      );
    }
    const settings: Record<string, string> = {
      access_mode: 'READ_ONLY',
      enable_external_access: 'false',
      lock_configuration: 'true',
    };
    if (options.memoryLimit) settings.memory_limit = options.memoryLimit;
    if (options.threads) settings.threads = String(options.threads);
    const instance = await DuckDBInstance.create(options.path, settings);
    const pool = new ConnectionPool(instance, options);
    try {
      await pool.withConnection((c) => checkSchemaVersion(c, options.path));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Tells `observer` about every query from now on (one observer; undefined removes it). */
  observe(observer: QueryObserver | undefined): void {
    this.observer = observer;
  }

  /** Runs one parameterized query (a `sql` fragment or rendered query) with timeout and retry. */
  async query(
    query: SqlFragment | SqlQuery,
    options: { timeoutMs?: number } = {},
  ): Promise<QueryResult> {
    const q = 'kind' in query ? render(query) : query;
    const retries = this.options.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.withConnection((c) => this.runOn(c, q, options.timeoutMs));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= retries || error instanceof AppError || !TRANSIENT.test(message))
          throw error;
        this.counters.retries++;
        await new Promise((r) => setTimeout(r, (this.options.retryBaseMs ?? 50) * 2 ** attempt));
      }
    }
  }

  /**
   * Runs one statement streaming its result chunk by chunk, converting rows as they arrive and
   * stopping as soon as a bound is reached, so a result never has to fit in memory whole. For
   * free-form SQL: the statement is prepared fresh (not kept with the domain queries' statements)
   * and never retried.
   */
  async queryBounded(text: string, bounds: ResultBounds): Promise<BoundedResult> {
    return this.withConnection((c, discard) => this.streamOn(c, text, bounds, discard));
  }

  /**
   * Lends a connection to `work`; replaces it afterwards if `work` failed or called `discard`
   * (a result left half-read is not worth trusting to the next caller).
   */
  async withConnection<T>(
    work: (c: DuckDBConnection, discard: () => void) => Promise<T>,
  ): Promise<T> {
    const connection = await this.acquire();
    let healthy = false;
    let discarded = false;
    try {
      const result = await work(connection, () => {
        discarded = true;
      });
      healthy = !discarded;
      return result;
    } finally {
      this.release(connection, healthy);
    }
  }

  private async streamOn(
    connection: DuckDBConnection,
    text: string,
    bounds: ResultBounds,
    discard: () => void,
  ): Promise<BoundedResult> {
    const timeoutMs = bounds.timeoutMs ?? this.options.queryTimeoutMs;
    let prepared: DuckDBPreparedStatement | undefined;
    try {
      return await this.timed(connection, timeoutMs, async (started) => {
        prepared = await connection.prepare(text);
        refuseNonSelect(prepared);
        const result = await prepared.stream();
        const columns = result.columnNames();
        const reader = new BoundedRows(columns, bounds);
        for (;;) {
          const chunk = await result.fetchChunk();
          if (!chunk || chunk.rowCount === 0 || !reader.add(chunk)) break;
        }
        if (reader.truncated) discard();
        return {
          columns,
          rows: reader.rows,
          elapsedMs: performance.now() - started,
          truncated: reader.truncated,
          bytes: reader.bytes,
          cutCells: reader.cutCells,
        };
      });
    } finally {
      prepared?.destroySync();
    }
  }

  /**
   * Runs `work` on a connection within `timeoutMs` (then the connection is interrupted and the
   * error says so), counting the query, its time and its failure.
   */
  private async timed<T extends { elapsedMs: number; rows: unknown[] }>(
    connection: DuckDBConnection,
    timeoutMs: number,
    work: (started: number) => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      connection.interrupt();
    }, timeoutMs);
    this.counters.queries++;
    try {
      const result = await work(started);
      this.counters.totalQueryMs += result.elapsedMs;
      this.observer?.(result.elapsedMs, result.rows.length, 'ok');
      return result;
    } catch (error) {
      this.counters.queryErrors++;
      this.observer?.(performance.now() - started, 0, timedOut ? 'timeout' : 'error');
      if (timedOut) {
        this.counters.queryTimeouts++;
        throw timeoutError(timeoutMs, error);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The connection's prepared statement for `text`, prepared once and reused: the domain
   * queries are a few dozen texts with changing parameters, and DuckDB's parse-bind-plan is a
   * good part of a small query's time. Bounded per connection; dropped with the connection.
   */
  private async prepare(
    connection: DuckDBConnection,
    text: string,
  ): Promise<DuckDBPreparedStatement> {
    let statements = this.statements.get(connection);
    if (!statements) {
      statements = new LRUCache<string, DuckDBPreparedStatement>({
        max: PREPARED_PER_CONNECTION,
        dispose: (statement) => statement.destroySync(),
      });
      this.statements.set(connection, statements);
    }
    const cached = statements.get(text);
    if (cached) {
      cached.clearBindings();
      return cached;
    }
    const prepared = await connection.prepare(text);
    statements.set(text, prepared);
    return prepared;
  }

  private runOn(
    connection: DuckDBConnection,
    q: SqlQuery,
    timeoutMs = this.options.queryTimeoutMs,
  ): Promise<QueryResult> {
    return this.timed(connection, timeoutMs, async (started) => {
      const prepared = await this.prepare(connection, q.text);
      refuseNonSelect(prepared);
      if (q.params.length > 0) prepared.bind(q.params, q.types as never);
      const result: DuckDBMaterializedResult = await prepared.run();
      const columns = result.columnNames();
      const rows = await readRows(result);
      return { columns, rows, elapsedMs: performance.now() - started };
    });
  }

  private async acquire(): Promise<DuckDBConnection> {
    if (this.closed) throw new AppError('pool:closed', 'The database is closed.');
    const idle = this.idle.pop();
    if (idle) {
      this.inUse++;
      return idle;
    }
    if (this.open < this.options.size) {
      this.open++;
      this.inUse++;
      try {
        return await this.instance.connect();
      } catch (error) {
        this.open--;
        this.inUse--;
        throw error;
      }
    }
    const waitStarted = performance.now();
    return new Promise<DuckDBConnection>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (c) => {
          this.counters.maxWaitMs = Math.max(
            this.counters.maxWaitMs,
            performance.now() - waitStarted,
          );
          resolve(c);
        },
        reject,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          this.counters.acquireTimeouts++;
          reject(
            new AppError(
              'pool:exhausted',
              `All ${this.options.size} database connections stayed busy for ${(this.options.acquireTimeoutMs / 1000).toFixed(1)} s. The service is under heavy load: try again shortly.`,
            ),
          );
        }, this.options.acquireTimeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private release(connection: DuckDBConnection, healthy: boolean): void {
    this.inUse--;
    let next: DuckDBConnection | undefined = connection;
    if (!healthy || this.closed) {
      this.forget(connection);
      connection.closeSync();
      this.open--;
      next = undefined;
      if (!this.closed) this.counters.replaced++;
    }
    const waiter = this.waiters.shift();
    if (!waiter) {
      if (next) this.idle.push(next);
      return;
    }
    clearTimeout(waiter.timer);
    this.inUse++;
    if (next) {
      waiter.resolve(next);
      return;
    }
    this.open++;
    this.instance.connect().then(waiter.resolve, (e: Error) => {
      this.open--;
      this.inUse--;
      waiter.reject(e);
    });
  }

  /** Frees a connection's prepared statements before it closes. */
  private forget(connection: DuckDBConnection): void {
    this.statements.get(connection)?.clear();
    this.statements.delete(connection);
  }

  stats(): PoolStats {
    return {
      size: this.options.size,
      open: this.open,
      inUse: this.inUse,
      idle: this.idle.length,
      waiting: this.waiters.length,
      ...this.counters,
    };
  }

  /** Closes idle connections now and the rest as they come back; fails whoever waits. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new AppError('pool:closed', 'The database is closing.'));
    }
    for (const c of this.idle.splice(0)) {
      this.forget(c);
      c.closeSync();
      this.open--;
    }
    while (this.inUse > 0) await new Promise((r) => setTimeout(r, 10));
    this.instance.closeSync();
  }
}

function timeoutError(timeoutMs: number, cause: unknown): AppError {
  return new AppError(
    'query:timeout',
    `The query ran longer than ${(timeoutMs / 1000).toFixed(timeoutMs < 1000 ? 1 : 0)} s and was stopped. Narrow it (fewer years, places or rows), or raise LANDUSE_MAX_EXECUTION_TIME.`,
    { cause },
  );
}

/**
 * Our queries are all SELECTs; anything else could leave state behind on the connection. Refuse
 * it (the connection is then replaced by withConnection's failure path).
 */
function refuseNonSelect(prepared: DuckDBPreparedStatement): void {
  if (prepared.statementType !== StatementType.SELECT) {
    throw new AppError('sql:not_select', 'Only read-only SELECT queries run here.');
  }
}
