/**
 * Hooks the data layer's pool and SQL guard into the collector. The data layer cannot import
 * this layer, so it offers hooks (ConnectionPool.observe) and this module plugs them in.
 */
import type { SqlGuard } from '../data/guard.ts';
import type { ConnectionPool } from '../data/pool.ts';
import { recordDbQuery } from './collector.ts';

/** Every query the pool runs is added to the current request's collector (and its metrics). */
export function instrumentPool(pool: ConnectionPool): void {
  pool.observe(recordDbQuery);
}

/**
 * The guard, counting what it refuses by reason (the code after `sql:`: file_access,
 * unknown_table, ...) for every caller: the explorer, `landuse sql` and the agent's SQL tool.
 */
export function observedGuard(guard: SqlGuard, onRefusal: (reason: string) => void): SqlGuard {
  return {
    async check(sql) {
      const result = await guard.check(sql);
      if (!result.ok) onRefusal(result.code.replace(/^sql:/, ''));
      return result;
    },
    close: () => guard.close(),
  };
}
