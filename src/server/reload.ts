/**
 * Data reloads without downtime. A running server watches its database file (fs.watch on the
 * folder, and a stat every LANDUSE_RELOAD_CHECK_SECONDS in case an event is missed); when the file
 * is replaced (`landuse load`, `landuse rollback`: an atomic rename), it opens the new file as a
 * new generation beside the old one, verifies it, warms its cache, and switches: new requests
 * read the new file, requests in flight finish on the old one, which is closed after the last of
 * them. A file that cannot be served is refused with the reason (logged, counted, on /health) and
 * the old one keeps serving. Each request holds a lease on the generation it started on
 * (`registerGenerationLeases`), which also pins it for everything the request runs.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { openGeneration } from '../analytics/open.ts';
import type { Generation, Generations } from '../analytics/generations.ts';
import { databaseFingerprint } from '../cache/index.ts';
import { isAppError } from '../domain/index.ts';
import { instrumentPool } from '../observability/index.ts';
import type { ServerDeps } from './deps.ts';

/** How long a changed file must stay the same before it is opened (a copy still being written). */
const SETTLE_MS = 200;

/** The database a generation serves, as /health and the logs name it. */
export interface ServedDatabase {
  generation: number;
  dataset: 'demo' | 'rpa';
  loadedAt: string | null;
  buildId: string | null;
}

export interface ReloadEvent {
  at: string;
  outcome: 'ok' | 'refused';
  /** Why the new file was refused. */
  reason?: string;
  /** What is served after it (the new file, or the old one still). */
  serving: ServedDatabase;
}

export interface ReloadStatus {
  /** Whether replaced files are picked up (LANDUSE_RELOAD_CHECK_SECONDS > 0). */
  enabled: boolean;
  last: ReloadEvent | undefined;
  /** Old generations still open for the requests that started on them. */
  draining: number;
  /** Set while the file on disk is not the one served: why (refused, missing). */
  problem: string | undefined;
}

const reloaders = new WeakMap<ServerDeps, DatabaseReloader>();

/** The reload status of a server, undefined when it has no reloader (an app built for tests). */
export function reloadStatus(deps: ServerDeps): ReloadStatus | undefined {
  return reloaders.get(deps)?.status();
}

export function served(generation: Generation): ServedDatabase {
  return {
    generation: generation.id,
    dataset: generation.ctx.dataset,
    loadedAt: generation.ctx.loadedAt,
    buildId: generation.ctx.buildId,
  };
}

/** The generation each request started on (its lease is released when its response closes). */
const pinned = new WeakMap<FastifyRequest, Generation>();

/**
 * Gives every request a lease on the current generation, and runs the request with it pinned,
 * so each request reads one file from start to end and that file stays open until it is done.
 * Entered again before validation, since body parsing runs outside the request's async context.
 */
export function registerGenerationLeases(app: FastifyInstance, generations: Generations): void {
  app.addHook('onRequest', (request, reply, done) => {
    const lease = generations.lease();
    pinned.set(request, lease.generation);
    reply.raw.once('close', () => lease.release());
    generations.run(lease.generation, done);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    const generation = pinned.get(request);
    if (generation) generations.run(generation, done);
    else done();
  });
}

/** Watches the served file and switches to its replacement; see the file's comment. */
export class DatabaseReloader {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private last: ReloadEvent | undefined;
  /** The file on disk that was refused (its identity), and why. */
  private refused: { fileId: string; reason: string } | undefined;
  private missing = false;

  constructor(
    private readonly deps: ServerDeps,
    private readonly log: FastifyBaseLogger,
    /** Fills the new generation's cache before the switch (run with it pinned). */
    private readonly warm?: () => Promise<void>,
  ) {}

  private get generations(): Generations {
    return this.deps.service.generations;
  }

  private get path(): string {
    return this.generations.serving().path;
  }

  /** Starts watching (nothing when LANDUSE_RELOAD_CHECK_SECONDS is 0). */
  start(): this {
    reloaders.set(this.deps, this);
    const seconds = this.deps.config.reloadCheckSeconds;
    if (seconds === 0) return this;
    const name = basename(this.path);
    try {
      this.watcher = watch(dirname(this.path), (_event, file) => {
        if (file === null || file === name) this.checkSoon();
      });
      this.watcher.on('error', (error) => {
        this.log.warn({ err: error }, 'reload: cannot watch the database folder; polling only');
        this.watcher?.close();
        this.watcher = undefined;
      });
      this.watcher.unref();
    } catch (error) {
      // Some file systems cannot be watched: the periodic check still sees the change.
      this.log.warn({ err: error }, 'reload: cannot watch the database folder; polling only');
    }
    this.timer = setInterval(() => void this.check(), seconds * 1000);
    this.timer.unref();
    return this;
  }

  status(): ReloadStatus {
    const serving = served(this.generations.serving());
    const where = `still serving the ${serving.dataset} database loaded ${serving.loadedAt ?? 'at an unknown time'}${serving.buildId ? ` (build ${serving.buildId})` : ''}`;
    const problem = this.missing
      ? `${this.path} is missing (removed or being replaced); ${where}.`
      : this.refused
        ? `The new file at ${this.path} cannot be served: ${this.refused.reason} ${where}; fix the file or run \`landuse rollback\`.`
        : undefined;
    return {
      enabled: this.deps.config.reloadCheckSeconds > 0,
      last: this.last,
      draining: this.generations.draining(),
      problem,
    };
  }

  /**
   * Looks at the file once and reloads when it was replaced; concurrent calls share one run
   * (and one more follows when a change arrived during it). Resolves when done.
   */
  check(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.checkOnce()
      .catch((error: unknown) => this.log.error({ err: error }, 'reload: check failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.checkSoon();
        }
      });
    return this.running;
  }

  /** Stops watching; a reload under way finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    clearInterval(this.timer);
    clearTimeout(this.soon);
    await this.running;
  }

  /** A watch event: check after a short pause (a rename fires several events). */
  private checkSoon(): void {
    if (this.stopped) return;
    clearTimeout(this.soon);
    this.soon = setTimeout(() => void this.check(), 50);
    this.soon.unref();
  }

  private async checkOnce(): Promise<void> {
    const serving = this.generations.serving();
    const now = await databaseFingerprint(this.path).catch(() => undefined);
    this.missing = now === undefined;
    if (now === undefined) return;
    if (now === serving.fileId) {
      this.refused = undefined;
      return;
    }
    if (this.refused?.fileId === now) return;
    // A file copied into place changes for a while; one renamed into place does not.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    if ((await databaseFingerprint(this.path).catch(() => undefined)) !== now) {
      this.again = true;
      return;
    }
    await this.reload(serving, now);
  }

  private async reload(old: Generation, fileId: string): Promise<void> {
    const started = performance.now();
    let next: Generation;
    try {
      next = await openGeneration(this.deps.config, {
        path: this.path,
        cache: this.deps.service.cache,
        poolSize: old.pool.stats().size,
      });
      await probe(next);
    } catch (error) {
      if (isAppError(error) && error.code === 'db:changed') {
        this.again = true;
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      this.refused = { fileId, reason: /[.!?]$/.test(reason) ? reason : `${reason}.` };
      this.record({ outcome: 'refused', reason, serving: served(old) });
      this.log.error(
        { err: error, db: this.path },
        `reload: refused the new database file (${reason}); still serving generation ${old.id}`,
      );
      return;
    }
    // Its queries count in the requests' figures, like the first pool's.
    instrumentPool(next.pool);
    if (this.warm) {
      const warm = this.warm;
      await this.generations
        .run(next, () => warm())
        .catch((error: unknown) => this.log.warn({ err: error }, 'reload: warm-up failed'));
    }
    if (this.stopped) {
      await next.pool.close();
      return;
    }
    this.refused = undefined;
    const drained = this.generations.switchTo(next);
    this.record({ outcome: 'ok', serving: served(next) });
    this.log.info(
      { db: this.path, from: served(old), to: served(next) },
      `reload: now serving ${next.ctx.dataset} data loaded ${next.ctx.loadedAt ?? '?'} (generation ${next.id}, ${(performance.now() - started).toFixed(0)} ms to open and warm)`,
    );
    void drained.then(
      () => this.log.info(`reload: generation ${old.id} drained and closed`),
      (error: unknown) =>
        this.log.warn({ err: error }, `reload: closing generation ${old.id} failed`),
    );
  }

  private record(event: Omit<ReloadEvent, 'at'>): void {
    this.last = { at: new Date().toISOString(), ...event };
    this.deps.observability.metrics.dbReload(event.outcome);
  }
}

/**
 * Reads every value of the main fact table: DuckDB checks each block's checksum as it reads,
 * so a damaged or half-written file fails here rather than in a user's query.
 */
async function probe(generation: Generation): Promise<void> {
  await generation.pool.query({
    text: 'SELECT count(*) AS n, sum(acres) AS acres FROM fact_landuse_transitions',
    params: [],
    types: [],
  });
}
