import { startServer } from '../../server/index.ts';
import { cliConfig } from '../context.ts';

/**
 * `landuse serve`: the HTTP API (and its docs at /docs) on LANDUSE_HOST:LANDUSE_PORT until
 * SIGTERM or Ctrl-C, which finish in-flight requests before the process exits.
 */
export async function serveCommand(opts: {
  port?: number;
  host?: string;
  db?: string;
}): Promise<void> {
  const base = cliConfig();
  const config = {
    ...base,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.db !== undefined ? { dbPath: opts.db } : {}),
  };
  process.stderr.write(`Opening ${config.dbPath} and warming the cache...\n`);
  await startServer(config, {
    handleSignals: true,
    // Readable lines for a person at a terminal; JSON lines for a log collector.
    logger: process.stdout.isTTY ? 'pretty' : true,
    onReady: (url) =>
      process.stderr.write(
        `\nRPA Land Use Analytics is listening on ${url}\n` +
          `  API docs:  ${url}/docs\n` +
          `  Health:    ${url}/health\n` +
          `  Try:       curl -s ${url}/api/ask -H 'content-type: application/json' -d '{"question":"Which states have the most urban expansion?"}'\n` +
          `Stop with Ctrl-C.\n`,
      ),
  });
}
