import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { openAnalytics } from '../../analytics/open.ts';
import {
  answerQuestion,
  createAgent,
  openThreadStore,
  type AgentEvent,
} from '../../agent/index.ts';
import { withProvider } from './ask.ts';
import { isAppError } from '../../domain/index.ts';
import { cliConfig } from '../context.ts';
import { cellText, markdownStream, sourcesText, table } from '../format.ts';

const HELP = `Ask about the 2020 RPA land use projections in plain English, e.g.
  Which states have the most urban expansion?
  and in Texas?          (follow-ups keep the thread)
Commands:
  /help              this help
  /clear             start a new conversation thread
  /thread [ID]       show the thread id, or switch to thread ID
  /provider          show the model provider
  /exit              leave (Ctrl-D works too)`;

/** A spinner on stderr while tools run, when stderr is a terminal. */
function spinner(label: string): () => void {
  if (!process.stderr.isTTY) {
    process.stderr.write(`${label}...\n`);
    return () => {};
  }
  const frames = ['|', '/', '-', '\\'];
  let i = 0;
  const timer = setInterval(() => process.stderr.write(`\r${frames[i++ % 4]} ${label}`), 80);
  return () => {
    clearInterval(timer);
    process.stderr.write(`\r${' '.repeat(label.length + 2)}\r`);
  };
}

/**
 * `landuse chat`: an interactive session on one thread. Answers are written as they are
 * produced, a spinner turns while tools run, and a failed question leaves the session going.
 */
export async function chatCommand(opts: {
  db?: string;
  thread?: string;
  provider?: string;
}): Promise<void> {
  const config = withProvider(cliConfig(), opts.provider);
  const service = await openAnalytics(config, { path: opts.db, poolSize: 2 });
  // Threads persist in SQLite (LANDUSE_THREADS_DB_PATH) so --thread works across runs.
  const checkpointer = config.enableMemory ? openThreadStore(config) : undefined;
  const { agent, provider } = createAgent(service, config, checkpointer ? { checkpointer } : {});
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY,
  });
  let thread = opts.thread ?? randomUUID();
  process.stdout.write(
    `RPA Land Use Analytics (${service.ctx.dataset === 'demo' ? 'DEMO DATA' : '2020 RPA data'}, provider ${provider}). /help for help.\n`,
  );
  try {
    rl.setPrompt('landuse> ');
    rl.prompt();
    // The async iterator buffers lines, so input piped in faster than answers is not lost.
    for await (const raw of rl) {
      const line = raw.trim();
      if (!line) {
        rl.prompt();
        continue;
      }
      if (line.startsWith('/')) {
        const [cmd, arg] = line.split(/\s+/, 2);
        if (cmd === '/exit' || cmd === '/quit') break;
        if (cmd === '/help') process.stdout.write(`${HELP}\n`);
        else if (cmd === '/clear') {
          thread = randomUUID();
          process.stdout.write(`New thread ${thread}.\n`);
        } else if (cmd === '/thread') {
          if (arg) thread = arg;
          process.stdout.write(`Thread ${thread}.\n`);
        } else if (cmd === '/provider')
          process.stdout.write(
            `Provider: ${provider} (start with --provider NAME to change it).\n`,
          );
        else process.stdout.write(`Unknown command ${cmd}; /help lists them.\n`);
        rl.prompt();
        continue;
      }
      let stop: (() => void) | undefined;
      // The answer's markdown is rendered a line at a time as it streams (bold, no markers).
      const out = markdownStream((s) => process.stdout.write(s), process.stdout.isTTY);
      const onEvent = (e: AgentEvent) => {
        if (e.type === 'tool_start') stop = spinner(`running ${e.name}`);
        else if (e.type === 'tool_end') {
          stop?.();
          stop = undefined;
        } else if (e.type === 'token') out.push(e.text);
      };
      try {
        const r = await answerQuestion({
          agent,
          question: line,
          threadId: thread,
          provider,
          dataset: service.ctx.dataset,
          timeoutMs: config.maxExecutionTimeSeconds * 1000,
          onEvent,
        });
        out.end();
        if (r.sources.length) process.stdout.write(`\n\n${sourcesText(r.sources)}`);
        for (const t of r.tables) {
          const rows = t.rows
            .slice(0, config.defaultDisplayLimit)
            .map((row) => t.columns.map((c) => cellText(row[c], c)));
          process.stdout.write(`\n\n${t.title}\n${table(t.columns, rows)}`);
        }
        if (r.followUps.length) process.stdout.write(`\n\nTry: ${r.followUps.join(' | ')}`);
        process.stdout.write('\n\n');
      } catch (error) {
        stop?.();
        out.end();
        process.stdout.write(
          `\n${isAppError(error) ? error.message : 'Something went wrong with that question; the conversation goes on.'}\n\n`,
        );
      }
      rl.prompt();
    }
  } finally {
    rl.close();
    checkpointer?.close();
    await service.close();
  }
}
