import { openAnalytics } from '../../analytics/open.ts';
import { answerQuestion, createAgent, openThreadStore, type AskResult } from '../../agent/index.ts';
import { PROVIDERS, type Config, type Provider } from '../../config/index.ts';
import { createInterface } from 'node:readline';
import { AppError, isAppError } from '../../domain/index.ts';
import { cliConfig } from '../context.ts';
import { cellText, renderMarkdown, sourcesText, table } from '../format.ts';

/**
 * `landuse ask "question"`: one answer from the agent (the offline planner by default), as
 * terminal text with aligned tables, or as the JSON object of the API with `--json`.
 */
export async function askCommand(
  question: string | undefined,
  opts: { json?: boolean; jsonl?: boolean; thread?: string; provider?: string; db?: string },
): Promise<void> {
  const config = withProvider(cliConfig(), opts.provider);
  const service = await openAnalytics(config, { path: opts.db, poolSize: 1 });
  // Threads persist in SQLite (LANDUSE_THREADS_DB_PATH) so --thread works across runs.
  const checkpointer = config.enableMemory ? openThreadStore(config) : undefined;
  try {
    const { agent, provider } = createAgent(service, config, checkpointer ? { checkpointer } : {});
    const ask = (q: string) =>
      answerQuestion({
        agent,
        question: q,
        threadId: opts.thread,
        provider,
        dataset: service.ctx.dataset,
        timeoutMs: config.maxExecutionTimeSeconds * 1000,
      });
    if (opts.jsonl) {
      // One question per line in, one answer object per line out; a failed question says so on
      // its own line and the rest go on. Lines are independent unless --thread is given.
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        const q = line.trim();
        if (!q) continue;
        const out = await ask(q).catch((error: unknown) => ({
          question: q,
          error: isAppError(error)
            ? { code: error.code, message: error.message }
            : { code: 'internal', message: 'The question could not be answered.' },
        }));
        process.stdout.write(`${JSON.stringify(out)}\n`);
      }
      return;
    }
    if (!question) {
      throw new AppError(
        'usage:no_question',
        'Give a question, or --jsonl to read them from stdin.',
      );
    }
    const result: AskResult = await ask(question);
    process.stdout.write(
      opts.json
        ? `${JSON.stringify(result)}\n`
        : `${presentAnswer(result, config.defaultDisplayLimit)}\n`,
    );
  } finally {
    checkpointer?.close();
    await service.close();
  }
}

/** Markdown for the terminal: bold as bold, italics dimmed, then each table aligned. */
function presentAnswer(r: AskResult, displayLimit: number): string {
  const text = renderMarkdown(r.answer, process.stdout.isTTY);
  const tables = r.tables.map((t) => {
    const rows = t.rows
      .slice(0, displayLimit)
      .map((row) => t.columns.map((c) => cellText(row[c], c)));
    const more =
      t.rows.length > displayLimit
        ? `\n(${t.rows.length - displayLimit} more rows; use --json for all)`
        : '';
    return `${t.title}\n${table(t.columns, rows)}${more}`;
  });
  const follow = r.followUps.length
    ? `\nYou could also ask:\n${r.followUps.map((f) => `  - ${f}`).join('\n')}`
    : '';
  const sources = sourcesText(r.sources);
  return [text, ...(sources ? [sources] : []), ...tables].join('\n\n') + follow;
}

/** The configuration with --provider applied, checked like the setting itself. */
export function withProvider(config: Config, provider: string | undefined): Config {
  if (provider === undefined) return config;
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    throw new AppError(
      'usage:bad_provider',
      `Unknown provider "${provider}"; choose one of ${PROVIDERS.join(', ')}.`,
    );
  }
  return { ...config, provider: provider as Provider };
}
