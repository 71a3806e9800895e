import { cliConfig } from '../context.ts';

/**
 * `landuse serve`: the HTTP API (and its docs at /docs) on LANDUSE_HOST:LANDUSE_PORT until
 * SIGTERM or Ctrl-C, which finish in-flight requests before the process exits. With
 * `--workers N` (or LANDUSE_WORKERS) above 1, a primary process runs N worker processes that
 * share the port (server/cluster.ts); each worker runs this same command.
 */
export async function serveCommand(opts: {
  port?: number;
  host?: string;
  db?: string;
  workers?: number;
}): Promise<void> {
  const base = cliConfig();
  const config = {
    ...base,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.db !== undefined ? { dbPath: opts.db } : {}),
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
  };
  // Readable lines for a person at a terminal; JSON lines for a log collector.
  const logger = process.stdout.isTTY ? 'pretty' : true;
  const banner = (url: string) =>
    process.stderr.write(
      `\nRPA Land Use Analytics is listening on ${url}\n` +
        `  API docs:  ${url}/docs\n` +
        `  Health:    ${url}/health\n` +
        `  Try:       curl -s ${url}/api/ask -H 'content-type: application/json' -d '{"question":"Which states have the most urban expansion?"}'\n` +
        `Stop with Ctrl-C.\n`,
    );
  if (config.workers > 1) {
    const { isClusterWorker, runWorker } = await import('../../server/cluster-worker.ts');
    if (isClusterWorker()) {
      await runWorker(config, { logger });
      return;
    }
    const { runPrimary } = await import('../../server/cluster.ts');
    process.stderr.write(
      `Opening ${config.dbPath} in ${config.workers} worker processes and warming their caches...\n`,
    );
    const code = await runPrimary(config, {
      workers: config.workers,
      log: (line) => process.stderr.write(`[primary] ${line}\n`),
      onReady: banner,
    });
    process.exit(code);
  }
  process.stderr.write(`Opening ${config.dbPath} and warming the cache...\n`);
  const { startServer } = await import('../../server/index.ts');
  await startServer(config, { handleSignals: true, logger, onReady: banner });
}
