import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { reportError } from './errors.ts';
import type { ExportOptions } from './commands/export.ts';
import type { LoadTestOptions } from './commands/loadtest.ts';

/** The landuse command line: each action lazily imports its module and calls a use case. */
function buildProgram(): Command {
  const program = new Command('landuse')
    .description('RPA Land Use Analytics: the USDA Forest Service 2020 RPA land use projections')
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // A bad setting stops every command before it starts, naming the key.
    .hook('preAction', async () => {
      const { cliConfig } = await import('./context.ts');
      cliConfig();
    });

  program
    .command('demo-data')
    .description(
      'write a calibrated demo raw file (real counties, modelled values) in the RPA raw format',
    )
    .requiredOption('--out <file>', 'where to write the raw JSON file')
    .option('--seed <n>', 'random seed; the same seed writes the same file', int, 42)
    .option('--counties <n>', 'keep only N counties, spread over all regions (default: all)', int)
    .action(async (opts: { out: string; seed: number; counties?: number }) => {
      const { demoDataCommand } = await import('./commands/demo-data.ts');
      await demoDataCommand(opts);
    });

  program
    .command('load')
    .description('build the star-schema database from a raw RPA JSON file (atomic: all or nothing)')
    .requiredOption('--input <file>', 'the raw JSON file {run: {period: {fips: [rows]}}}')
    .option(
      '--db <path>',
      'database file to build (default: LANDUSE_DB_PATH or data/landuse.duckdb)',
    )
    .addOption(
      new Option(
        '--dataset <kind>',
        "record the data as demo or real RPA data (default: from the file's .meta.json sidecar, else rpa)",
      ).choices(['demo', 'rpa']),
    )
    .option('--json', 'print the summary as JSON')
    .action(
      async (opts: { input: string; db?: string; dataset?: 'demo' | 'rpa'; json?: boolean }) => {
        const { loadCommand } = await import('./commands/load.ts');
        await loadCommand(opts);
      },
    );

  program
    .command('rollback')
    .description(
      'put the previous database back (the one the last load or rollback replaced); atomic, and running servers switch to it',
    )
    .option('--db <path>', 'database file (default: LANDUSE_DB_PATH or data/landuse.duckdb)')
    .option('--json', 'print what is served now as JSON')
    .action(async (opts: { db?: string; json?: boolean }) => {
      const { rollbackCommand } = await import('./commands/rollback.ts');
      await rollbackCommand(opts);
    });

  program
    .command('info')
    .description('what the database holds: dataset, schema version, tables, scenarios, counties')
    .option('--db <path>', 'database file (default: LANDUSE_DB_PATH or data/landuse.duckdb)')
    .option('--json', 'print as JSON')
    .action(async (opts: { db?: string; json?: boolean }) => {
      const { infoCommand } = await import('./commands/info.ts');
      await infoCommand(opts);
    });

  program
    .command('ask')
    .description('ask a question in plain English (the offline planner answers by default)')
    .argument('[question]', 'e.g. "Which states have the most urban expansion?"')
    .option(
      '--json',
      'print the answer object: answer, tables, toolCalls, scenario, years, timings ...',
    )
    .option('--jsonl', 'read one question per line from stdin, write one answer object per line')
    .option('--thread <id>', 'continue a conversation thread')
    .option('--provider <name>', 'model provider (default LANDUSE_PROVIDER: offline)')
    .option('--db <path>', 'database file (default: LANDUSE_DB_PATH or data/landuse.duckdb)')
    .action(
      async (
        question: string | undefined,
        opts: { json?: boolean; jsonl?: boolean; thread?: string; provider?: string; db?: string },
      ) => {
        const { askCommand } = await import('./commands/ask.ts');
        await askCommand(question, opts);
      },
    );

  program
    .command('chat')
    .description('an interactive session: ask, follow up, /help for commands')
    .option('--thread <id>', 'continue a conversation thread')
    .option('--provider <name>', 'model provider (default LANDUSE_PROVIDER: offline)')
    .option('--db <path>', 'database file (default: LANDUSE_DB_PATH or data/landuse.duckdb)')
    .action(async (opts: { thread?: string; provider?: string; db?: string }) => {
      const { chatCommand } = await import('./commands/chat.ts');
      await chatCommand(opts);
    });

  program
    .command('eval')
    .description('score the offline planner on a question set (default: eval/dev-questions.jsonl)')
    .option(
      '--set <file>',
      'a JSONL file of {id, question, expect: {tool, args}} and/or {id, question, tags, gold: {check, sql}}',
    )
    .option('--db <path>', 'database for value-checked lines (default: LANDUSE_DB_PATH)')
    .option('--json', 'print the report as JSON')
    .option('--min <score>', 'exit 1 when the score (0..1) is below this', (v) => {
      const n = Number(v);
      if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number from 0 to 1.');
      return n;
    })
    .action(async (opts: { set?: string; json?: boolean; min?: number; db?: string }) => {
      const { evalCommand } = await import('./commands/eval.ts');
      await evalCommand(opts);
    });

  program
    .command('sql')
    .description(
      'run one read-only SQL query over the land use tables (parser-checked, row-limited)',
    )
    .argument(
      '<query>',
      'a SELECT / WITH / VALUES query, e.g. "SELECT count(*) FROM dim_geography"',
    )
    .option('--json', 'print {columns, rows, truncated, elapsedMs}')
    .option('--limit <n>', 'most rows to return (default and cap: LANDUSE_MAX_QUERY_ROWS)', int)
    .option('--db <path>', 'database file (default: LANDUSE_DB_PATH or data/landuse.duckdb)')
    .action(async (query: string, opts: { json?: boolean; limit?: number; db?: string }) => {
      const { sqlCommand } = await import('./commands/sql.ts');
      await sqlCommand(query, opts);
    });

  const knowledge = program
    .command('knowledge')
    .description('the knowledge base: documents about the RPA Assessment that answers quote');
  knowledge
    .command('search')
    .description('the passages that best answer a question, with their document and section')
    .argument('<question>', 'e.g. "What does the High-Low scenario assume?"')
    .option(
      '--json',
      'print {query, mode, passages: [{doc, title, section, ref, score, text, sources}]}',
    )
    .option('--limit <n>', 'most passages (default 5)', int)
    .action(async (question: string, opts: { json?: boolean; limit?: number }) => {
      const { knowledgeSearchCommand } = await import('./commands/knowledge.ts');
      await knowledgeSearchCommand(question, opts);
    });
  knowledge
    .command('eval')
    .description('retrieval quality: hit@1 and hit@3 on a question set')
    .option(
      '--set <file>',
      'a JSONL file of {question, doc, section} (default: eval/knowledge-dev.jsonl)',
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts: { set?: string; json?: boolean }) => {
      const { knowledgeEvalCommand } = await import('./commands/knowledge.ts');
      await knowledgeEvalCommand(opts);
    });

  program
    .command('export')
    .description('write the transitions as a file, with the filters of GET /api/export')
    .requiredOption('--format <format>', 'csv, json, ndjson, xlsx or parquet')
    .option('--states <list>', 'states (names or codes) or regions, comma-separated; omit for all')
    .option(
      '--scenarios <list>',
      'OVERALL, LM, HM, HL, HH (or names), comma-separated; omit for all',
    )
    .option('--year-range <years>', 'years like 2020-2050, or periods like 2020-2030,2050-2060')
    .option('--land-use <list>', 'rows moving from or to any of these uses, comma-separated')
    .option('--level <level>', 'county (one row per county) or state (summed per state)')
    .option('--out <file>', "where to write (default: the export's file name here; - for stdout)")
    .option('--db <path>', 'database file (default: LANDUSE_DB_PATH or data/landuse.duckdb)')
    .action(async (opts: ExportOptions) => {
      const { exportCommand } = await import('./commands/export.ts');
      await exportCommand(opts);
    });

  program
    .command('start')
    .description('build the demo database if there is none, then run the server (as `serve`)')
    .option('--db <path>', 'database file (default: LANDUSE_DB_PATH or data/landuse.duckdb)')
    .option(
      '--port <n>',
      'port to listen on (default: LANDUSE_PORT or 8000; 0 = any free port)',
      port,
    )
    .option(
      '--workers <n>',
      'server processes sharing the port (default: LANDUSE_WORKERS or 1; auto = one per core)',
      workerCount,
    )
    .action(async (opts: { db?: string; port?: number; workers?: number }) => {
      const { startCommand } = await import('./commands/start.ts');
      await startCommand(opts);
    });

  program
    .command('serve')
    .description('run the HTTP API server (docs at /docs) until Ctrl-C or SIGTERM')
    .option(
      '--port <n>',
      'port to listen on (default: LANDUSE_PORT or 8000; 0 = any free port)',
      port,
    )
    .option('--host <address>', 'address to listen on (default: LANDUSE_HOST or 127.0.0.1)')
    .option('--db <path>', 'database file (default: LANDUSE_DB_PATH or data/landuse.duckdb)')
    .option(
      '--workers <n>',
      'server processes sharing the port (default: LANDUSE_WORKERS or 1; auto = one per core)',
      workerCount,
    )
    .action(async (opts: { port?: number; host?: string; db?: string; workers?: number }) => {
      const { serveCommand } = await import('./commands/serve.ts');
      await serveCommand(opts);
    });

  program
    .command('monitor')
    .description(
      'a live view of a running server: requests/s, p50/p95, errors, cache, memory, pools, tokens, alerts',
    )
    .option(
      '--url <url>',
      'the server to watch (default: http://LANDUSE_HOST:LANDUSE_PORT, e.g. http://127.0.0.1:8000)',
    )
    .option('--interval <seconds>', 'seconds between refreshes', int, 2)
    .option('--once', 'print one view and exit (also when the output is not a terminal)')
    .action(async (opts: { url?: string; interval: number; once?: boolean }) => {
      const { monitorCommand } = await import('./commands/monitor.ts');
      await monitorCommand(opts);
    });

  program
    .command('loadtest')
    .description(
      'virtual users against the in-process agent pool or a server (--url): latency percentiles, requests/s, errors, server memory and CPU; exit 1 when an objective is missed',
    )
    .option('--users <n>', 'virtual users (default 10)')
    .option('--ramp-up <seconds>', 'start the users evenly over this many seconds (default 0)')
    .option('--duration <seconds>', 'seconds per level (default 30 unless --requests)')
    .option('--requests <n>', 'stop after this many requests per level')
    .option('--think-ms <ms>', "a user's pause between requests, 0.5x to 1.5x this (default 0)")
    .option(
      '--mix <mix>',
      'realistic (every tool, follow-ups, chat, analytics, SQL, export; repetition) or distinct (questions that never repeat); default realistic',
    )
    .option('--questions <file>', 'ask the questions of a file instead (one per line, or JSONL)')
    .option('--url <url>', 'load a running server (e.g. http://127.0.0.1:8000) instead')
    .option('--api-key <key>', "the server's API key, when it requires one (with --url)")
    .option('--levels', 'run the four levels in turn: 5, 10, 20 and 50 users')
    .option('--p95-ms <ms>', 'objective: p95 latency at most this')
    .option('--p99-ms <ms>', 'objective: p99 latency at most this')
    .option('--max-error-rate <share>', 'objective: failed requests at most this share (0 to 1)')
    .option('--min-rps <n>', 'objective: at least this many requests per second')
    .option('--json', 'print the report as JSON (no progress line)')
    .option('--markdown <file>', 'also write the report as Markdown to this file')
    .option('--db <path>', 'database file (default: LANDUSE_DB_PATH or data/landuse.duckdb)')
    .action(async (opts: LoadTestOptions) => {
      const { loadtestCommand } = await import('./commands/loadtest.ts');
      await loadtestCommand(opts, process.argv.slice(2));
    });

  return program;
}

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a positive whole number, got "${value}".`);
  }
  return n;
}

/** --workers: as LANDUSE_WORKERS, a whole number from 1 to 64 or auto (one per core). */
function workerCount(value: string): number {
  if (value.trim().toLowerCase() === 'auto') return availableParallelism();
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 64) {
    throw new InvalidArgumentError(
      `expected a whole number of processes from 1 to 64, or auto (one per core), got "${value}".`,
    );
  }
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) {
    throw new InvalidArgumentError(`expected a port number from 0 to 65535, got "${value}".`);
  }
  return n;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; anything else commander rejects is bad usage.
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportError(error, argv.includes('--debug'));
  }
}

process.exitCode = await main(process.argv);
