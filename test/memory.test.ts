import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  AIMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { tool } from '@langchain/core/tools';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { answerQuestion, createOfflineAgent } from '../src/agent/index.ts';
import {
  compactThreadUpdate,
  createCheckpointer,
  deleteThread,
  extractiveSummary,
  getThread,
  isSummaryMessage,
  listThreads,
  LOCAL_OWNER,
  seedThread,
  snapshotThread,
  ownerPrefix,
  SUMMARY_LIMITS,
  threadIdOfKey,
  threadKey,
  textOf,
  trimHistory,
  type ThreadCheckpointer,
} from '../src/agent/memory/index.ts';
import { openAnalytics, type AnalyticsService } from '../src/analytics/open.ts';
import { loadConfig } from '../src/config/index.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { HAND_MADE, quietEffects, tempDir } from './helpers.ts';

/** A conversation of `turns` turns: question, a call to `tools` tools, their results, an answer. */
function conversation(turns: number, tools = 1): BaseMessage[] {
  const out: BaseMessage[] = [];
  for (let t = 0; t < turns; t++) {
    const calls = Array.from({ length: tools }, (_, k) => ({
      id: `t${t}c${k}`,
      name: 'query_urban_expansion',
      args: { states: ['CA'] },
      type: 'tool_call' as const,
    }));
    out.push(new HumanMessage({ content: `Question ${t}?`, id: `h${t}` }));
    out.push(new AIMessage({ content: '', tool_calls: calls, id: `a${t}` }));
    for (const c of calls) {
      out.push(new ToolMessage({ content: 'rows', tool_call_id: c.id, id: `r${c.id}` }));
    }
    out.push(new AIMessage({ content: `**${t} acres** of new urban land. More.`, id: `f${t}` }));
  }
  return out;
}

/** Every tool result sits right after the AI message that called it (or another result of it). */
function expectPairsIntact(messages: BaseMessage[]): void {
  messages.forEach((m, i) => {
    if (!ToolMessage.isInstance(m)) return;
    let j = i - 1;
    while (j >= 0 && ToolMessage.isInstance(messages[j])) j--;
    const caller = messages[j];
    expect(AIMessage.isInstance(caller)).toBe(true);
    expect((caller as AIMessage).tool_calls?.map((c) => c.id)).toContain(m.tool_call_id);
  });
}

describe('trimHistory', () => {
  it('leaves a short history alone', () => {
    const messages = conversation(2);
    expect(trimHistory(messages, { maxMessages: 20 })).toEqual(messages);
  });

  it('keeps the last messages from a question on, with a summary of the rest', () => {
    const messages = conversation(10); // 40 messages
    const trimmed = trimHistory(messages, { maxMessages: 20 });
    expect(trimmed.length).toBeLessThanOrEqual(20);
    expect(isSummaryMessage(trimmed[0])).toBe(true);
    expect(HumanMessage.isInstance(trimmed[1])).toBe(true);
    expect(trimmed.slice(1)).toEqual(messages.slice(-16));
    const summary = textOf(trimmed[0]!);
    expect(summary).toContain('(6 questions)');
    expect(summary).toContain('"Question 0?" [query_urban_expansion] → 0 acres of new urban land.');
    expect(summary).not.toContain('Question 6?');
  });

  it('never separates tool calls from their results, whatever the limit', () => {
    for (const tools of [1, 2, 5]) {
      const messages = conversation(12, tools);
      for (let max = 2; max <= 40; max++) {
        const trimmed = trimHistory(messages, { maxMessages: max });
        expectPairsIntact(trimmed);
        const kept = trimmed.filter((m) => !SystemMessage.isInstance(m));
        // The kept tail is a suffix of the thread that starts at a question.
        expect(kept).toEqual(messages.slice(-kept.length));
        expect(HumanMessage.isInstance(kept[0])).toBe(true);
        const turn = 3 + tools;
        expect(trimmed.length).toBeLessThanOrEqual(Math.max(max, turn + 1));
      }
    }
  });

  it('keeps the current turn whole even when it alone is over the limit', () => {
    const messages = [...conversation(3), ...conversation(1, 12)];
    const trimmed = trimHistory(messages, { maxMessages: 6 });
    expect(trimmed.slice(1)).toEqual(messages.slice(-15));
    expectPairsIntact(trimmed);
  });

  it('merges the system prompt and the summary into one leading system message', () => {
    const trimmed = trimHistory(conversation(10), { maxMessages: 10, systemPrompt: 'You are X.' });
    expect(trimmed.filter((m) => SystemMessage.isInstance(m))).toHaveLength(1);
    expect(textOf(trimmed[0]!)).toMatch(/^You are X\.\n\nEarlier in this conversation/);
    expect(trimHistory(conversation(1), { maxMessages: 10, systemPrompt: 'P' })[0]!.content).toBe(
      'P',
    );
  });

  it('uses a custom summarizer with the previous summary', () => {
    const seen: (string | undefined)[] = [];
    const summarize = (dropped: BaseMessage[], previous: string | undefined) => {
      seen.push(previous);
      return `${previous ?? ''}+${dropped.length}`;
    };
    const first = compactThreadUpdate(conversation(10), 20, summarize);
    const state = [first.messages[0]!, ...conversation(10).slice(-16)];
    expect(trimHistory(state, { maxMessages: 8, summarize })[0]!.content).toBe('+24+12');
    expect(seen).toEqual([undefined, '+24']);
  });

  it('keeps the running summary bounded however many turns it folds', () => {
    let summary: string | undefined;
    for (let i = 0; i < 500; i++) {
      summary = extractiveSummary(
        conversation(1).map((m) => m),
        summary,
      );
    }
    expect(summary!.length).toBeLessThanOrEqual(SUMMARY_LIMITS.totalChars);
    expect(summary).toMatch(/^Earlier in this conversation \(500 questions, the last 8 shown\)/);
  });
});

describe('compactThreadUpdate', () => {
  it('replaces the older turns in state with the summary, in place', () => {
    const messages = conversation(10);
    const update = compactThreadUpdate(messages, 20);
    const [summary, ...removes] = update.messages;
    expect(isSummaryMessage(summary)).toBe(true);
    expect(summary!.id).toBe('h0');
    expect(removes.map((m) => m.id)).toEqual(messages.slice(1, 24).map((m) => m.id));
    expect(compactThreadUpdate(messages.slice(-16), 20)).toEqual({ messages: [] });
  });
});

/** A fast model: a tool call for a question, then an answer from the tool's result. */
class TurnModel extends BaseChatModel {
  calls = 0;
  longestHistory = 0;
  override _llmType() {
    return 'turns';
  }
  override async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    this.calls++;
    this.longestHistory = Math.max(this.longestHistory, messages.length);
    const last = messages.at(-1);
    const message = ToolMessage.isInstance(last)
      ? new AIMessage(`The answer is **${this.calls} acres**. Details follow in a table.`)
      : new AIMessage({
          content: '',
          tool_calls: [
            { id: `c${this.calls}`, name: 'lookup', args: { q: 'x' }, type: 'tool_call' },
          ],
        });
    return Promise.resolve({ generations: [{ text: '', message }] });
  }
}

/** The agent's graph shape with the memory steps the real graph should take. */
function tinyGraph(checkpointer: ThreadCheckpointer, options: { compact: boolean }) {
  const maxMessages = 20;
  const lookup = tool(
    async ({ q }: { q: string }) => Promise.resolve(`${q}: ${'1 2 3 '.repeat(40)}`),
    {
      name: 'lookup',
      description: 'Looks something up.',
      schema: z.object({ q: z.string() }),
    },
  );
  const model = new TurnModel({});
  const graph = new StateGraph(MessagesAnnotation)
    .addNode('compact', (state) =>
      options.compact ? compactThreadUpdate(state.messages, maxMessages) : { messages: [] },
    )
    .addNode('model', async (state) => ({
      messages: [await model.invoke(trimHistory(state.messages, { maxMessages }))],
    }))
    .addNode('tools', new ToolNode([lookup]))
    .addEdge(START, 'compact')
    .addEdge('compact', 'model')
    .addConditionalEdges(
      'model',
      (state) => ((state.messages.at(-1) as AIMessage).tool_calls?.length ? 'tools' : END),
      ['tools', END],
    )
    .addEdge('tools', 'model')
    .compile({ checkpointer });
  return { graph, model };
}

async function storedSize(checkpointer: ThreadCheckpointer, threadId: string) {
  const tuple = await checkpointer.getTuple({ configurable: { thread_id: threadId } });
  const [, bytes] = await checkpointer.serde.dumpsTyped(tuple!.checkpoint);
  const messages = (tuple!.checkpoint.channel_values as { messages: BaseMessage[] }).messages;
  return { messages: messages.length, bytes: bytes.length };
}

describe('bounded memory', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it('stays bounded over 200 turns with compaction, and grows without it', async () => {
    const sqlite = createCheckpointer({ kind: 'sqlite', path: join(dir, 'bounded.sqlite') });
    const bounded = tinyGraph(sqlite, { compact: true });
    const memory = createCheckpointer({ kind: 'memory' });
    const unbounded = tinyGraph(memory, { compact: false });
    const config = { configurable: { thread_id: 'long' } };
    const db = (sqlite as unknown as { db: Database.Database }).db;
    const rows = () =>
      db
        .prepare<[], { n: number; bytes: number }>(
          `SELECT (SELECT count(*) FROM checkpoints) + (SELECT count(*) FROM writes) AS n,
             (SELECT sum(length(checkpoint) + length(metadata)) FROM checkpoints) +
             (SELECT coalesce(sum(length(value)), 0) FROM writes) AS bytes`,
        )
        .get()!;
    let grownAt30 = { messages: 0, bytes: 0 };
    let maxBounded = { messages: 0, bytes: 0, rows: 0, stored: 0 };
    for (let turn = 1; turn <= 200; turn++) {
      const question = { messages: [new HumanMessage(`Question number ${turn}?`)] };
      await bounded.graph.invoke(question, config);
      // Without compaction every checkpoint holds the whole thread: 60 turns show the trend
      // (and 200 would take seconds, each turn slower than the last).
      if (turn <= 60) await unbounded.graph.invoke(question, config);
      if (turn === 30) grownAt30 = await storedSize(memory, 'long');
      if (turn % 10 === 0) {
        const size = await storedSize(sqlite, 'long');
        const r = rows();
        maxBounded = {
          messages: Math.max(maxBounded.messages, size.messages),
          bytes: Math.max(maxBounded.bytes, size.bytes),
          rows: Math.max(maxBounded.rows, r.n),
          stored: Math.max(maxBounded.stored, r.bytes),
        };
      }
    }
    // At most 20 messages after compaction plus one turn of 4.
    expect(maxBounded.messages).toBeLessThanOrEqual(24);
    expect(maxBounded.bytes).toBeLessThan(16_000);
    // Ten checkpoints and their writes, whatever the number of turns.
    expect(maxBounded.rows).toBeLessThan(40);
    expect(maxBounded.stored).toBeLessThan(160_000);
    // What the model saw: never more than the limit.
    expect(bounded.model.longestHistory).toBeLessThanOrEqual(20);

    const grown = await storedSize(memory, 'long');
    expect(grownAt30.messages).toBe(120);
    expect(grown.messages).toBe(240);
    expect(grown.bytes).toBeGreaterThan(1.9 * grownAt30.bytes);
    expect(grown.bytes).toBeGreaterThan(5 * maxBounded.bytes);

    // The thread still reads as a conversation: the summary, then whole recent turns.
    const thread = await getThread(sqlite, 'long');
    expect(thread!.messages[0]).toMatchObject({ role: 'system' });
    expect(thread!.messages[0]!.content).toMatch(/^Earlier in this conversation \(19\d questions/);
    expect(thread!.messages[1]).toMatchObject({ role: 'user' });
    expect(thread!.messages.at(-1)).toMatchObject({ role: 'assistant' });
    expect(thread!.messages.at(-4)).toMatchObject({ content: 'Question number 200?' });
    sqlite.close();
  });

  it('seeds new threads from one snapshot on SQLite as put would, each one its own', async () => {
    const sqlite = createCheckpointer({ kind: 'sqlite', path: join(dir, 'seeded.sqlite') });
    const { graph } = tinyGraph(sqlite, { compact: true });
    await graph.invoke(
      { messages: [new HumanMessage('Question number 1?')] },
      { configurable: { thread_id: 'source' } },
    );
    const snapshot = (await snapshotThread(sqlite, 'source'))!;
    // The same snapshot twice: the second reuses the first one's serialized form.
    await seedThread(sqlite, 'copy-1', snapshot);
    await seedThread(sqlite, 'copy-2', snapshot);
    const source = (await getThread(sqlite, 'source'))!;
    const [one, two] = [(await getThread(sqlite, 'copy-1'))!, (await getThread(sqlite, 'copy-2'))!];
    expect(one.messages).toEqual(source.messages);
    expect(two.messages).toEqual(source.messages);
    const ids = await Promise.all(
      ['source', 'copy-1', 'copy-2'].map(
        async (t) => (await sqlite.getTuple({ configurable: { thread_id: t } }))!.checkpoint.id,
      ),
    );
    expect(new Set(ids).size).toBe(3);
    expect([...ids].sort()).toEqual(ids);
    // A seeded thread goes on like any other, and the source is left as it was.
    await graph.invoke(
      { messages: [new HumanMessage('Question number 2?')] },
      { configurable: { thread_id: 'copy-1' } },
    );
    const followed = (await getThread(sqlite, 'copy-1'))!;
    expect(followed.messages.length).toBeGreaterThan(one.messages.length);
    expect(followed.messages.slice(0, one.messages.length)).toEqual(one.messages);
    expect((await getThread(sqlite, 'source'))!.messages).toEqual(source.messages);
    expect(await sqlite.listThreadIds()).toEqual(['copy-1', 'copy-2', 'source']);

    // Seeds of one turn of the event loop are written together; a read before that writes them.
    const many = Array.from({ length: 20 }, (_, i) => seedThread(sqlite, `many-${i}`, snapshot));
    expect(await sqlite.listThreadIds('many-')).toHaveLength(20);
    await Promise.all(many);
    expect((await getThread(sqlite, 'many-7'))!.messages).toEqual(source.messages);
    sqlite.close();
  });

  it('keeps only the newest checkpoints of a thread unless told to keep all', async () => {
    const all = createCheckpointer({
      kind: 'sqlite',
      path: join(dir, 'all.sqlite'),
      keepCheckpoints: Infinity,
    });
    const pruned = createCheckpointer({ kind: 'sqlite', path: join(dir, 'pruned.sqlite') });
    const count = async (c: ThreadCheckpointer) => {
      const ids: string[] = [];
      for await (const t of c.list({ configurable: { thread_id: 't' } })) {
        ids.push(String(t.config.configurable?.checkpoint_id));
      }
      return ids.length;
    };
    for (const c of [all, pruned]) {
      const { graph } = tinyGraph(c, { compact: true });
      for (let i = 0; i < 10; i++) {
        await graph.invoke(
          { messages: [new HumanMessage(`q${i}`)] },
          { configurable: { thread_id: 't' } },
        );
      }
    }
    expect(await count(all)).toBeGreaterThan(40);
    expect(await count(pruned)).toBe(10);
    all.close();
    pruned.close();
  });
});

describe('the SQLite checkpointer with the offline agent', () => {
  let cleanup: () => Promise<void>;
  let dir: string;
  let service: AnalyticsService;

  beforeAll(async () => {
    const t = await tempDir();
    ({ dir, cleanup } = t);
    const db = join(dir, 'memory.duckdb');
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    service = await openAnalytics(loadConfig({ LANDUSE_DB_PATH: db }), { poolSize: 1 });
  });
  afterAll(async () => {
    await service.close();
    await cleanup();
  });

  /** Asks as the CLI does (the local owner); threadIds in and out are the store's keys. */
  const ask = async (checkpointer: ThreadCheckpointer, question: string, key?: string) => {
    const r = await answerQuestion({
      agent: createOfflineAgent(service, {
        maxIterations: 8,
        maxRows: 1000,
        enableSql: false,
        checkpointer,
      }),
      question,
      threadId: key === undefined ? undefined : threadIdOfKey(LOCAL_OWNER, key),
      provider: 'offline',
      dataset: service.ctx.dataset,
      timeoutMs: 10_000,
    });
    return { ...r, threadId: threadKey(LOCAL_OWNER, r.threadId) };
  };

  it("lists one owner's threads by prefix, and bounds each bucket on its own, in both kinds", async () => {
    for (const checkpointer of [
      createCheckpointer({ kind: 'sqlite', path: join(dir, 'owners.sqlite') }),
      createCheckpointer({ kind: 'memory' }),
    ]) {
      const mine = await ask(checkpointer, 'How much forest is in Alabama?');
      await checkpointer.trackThread(mine.threadId, 'me', 2);
      // Another owner whose keys share a prefix with LOCAL_OWNER's must not be listed with it.
      const others: string[] = [];
      for (let i = 0; i < 4; i++) {
        const other = await answerQuestion({
          agent: createOfflineAgent(service, {
            maxIterations: 8,
            maxRows: 1000,
            enableSql: false,
            checkpointer,
          }),
          question: `Crops in California? (${i})`,
          owner: 'localx',
          provider: 'offline',
          dataset: service.ctx.dataset,
          timeoutMs: 10_000,
        });
        const key = threadKey('localx', other.threadId);
        others.push(key);
        // A bucket of 2 may run one over (bucketSlack), then is cut back to its 2 newest.
        const evicted = await checkpointer.trackThread(key, 'them', 2);
        expect(new Set(evicted)).toEqual(new Set(i < 3 ? [] : others.slice(0, 2)));
      }
      expect(
        (await listThreads(checkpointer, { prefix: ownerPrefix(LOCAL_OWNER) })).map(
          (t) => t.threadId,
        ),
      ).toEqual([mine.threadId]);
      expect(
        (await listThreads(checkpointer, { prefix: ownerPrefix('localx') })).map((t) => t.threadId),
      ).toEqual(others.slice(2).reverse());
      expect(await getThread(checkpointer, mine.threadId)).toBeDefined();
      checkpointer.close();
    }
  });

  it('keeps a thread across two checkpointers on the same file', async () => {
    const path = join(dir, 'data', 'threads.sqlite'); // the folder does not exist yet
    const first = createCheckpointer({ kind: 'sqlite', path });
    const a = await ask(first, 'How much new urban land is there in California?');
    first.close();

    const second = createCheckpointer({ kind: 'sqlite', path });
    const b = await ask(second, 'what about under HH?', a.threadId);
    expect(b.toolCalls[0]).toMatchObject({
      name: 'query_urban_expansion',
      args: { states: ['CA'], scenario: 'HH' },
    });
    expect(b.answer).toContain('**200 acres**');
    second.close();

    const third = createCheckpointer({ kind: 'sqlite', path });
    const thread = await getThread(third, a.threadId);
    expect(thread!.messages.map((m) => m.role)).toEqual([
      ...['user', 'assistant', 'tool', 'assistant'],
      ...['user', 'assistant', 'tool', 'assistant'],
    ]);
    expect(thread!.messages[0]).toEqual({
      role: 'user',
      content: 'How much new urban land is there in California?',
    });
    expect(thread!.messages[1]!.toolCalls).toEqual([
      expect.objectContaining({ name: 'query_urban_expansion', args: { states: ['CA'] } }),
    ]);
    expect(thread!.messages[2]).toMatchObject({ role: 'tool', name: 'query_urban_expansion' });
    expect(thread!.messages[7]!.content).toContain('200 acres');
    third.close();
  });

  it('keeps at most LANDUSE_MAX_THREADS threads, deleting the least recently used', async () => {
    for (const checkpointer of [
      createCheckpointer({ kind: 'sqlite', path: join(dir, 'bounded.sqlite'), maxThreads: 3 }),
      createCheckpointer({ kind: 'memory', maxThreads: 3 }),
    ]) {
      const first = await ask(checkpointer, 'How much forest is in Alabama?');
      const ids = [first.threadId];
      for (const q of ['Which states have the most urban expansion?', 'Crops in California?'])
        ids.push((await ask(checkpointer, q)).threadId);
      // Using the oldest thread again makes it the most recent: the second one is now oldest.
      await ask(checkpointer, 'and in Texas?', first.threadId);
      for (const q of ['Pasture in Alabama?', 'Urban land in Los Angeles County?'])
        ids.push((await ask(checkpointer, q)).threadId);
      const kept = (await listThreads(checkpointer)).map((t) => t.threadId);
      expect(kept).toHaveLength(3);
      expect(kept).toContain(first.threadId);
      expect(kept).not.toContain(ids[1]);
      expect(await getThread(checkpointer, ids[1]!)).toBeUndefined();
      expect((await getThread(checkpointer, first.threadId))!.messages).toHaveLength(8);
      checkpointer.close();
    }
  });

  it('lists, gets and deletes threads, in both kinds', async () => {
    for (const checkpointer of [
      createCheckpointer({ kind: 'sqlite', path: join(dir, 'list.sqlite') }),
      createCheckpointer({ kind: 'memory' }),
    ]) {
      expect(await listThreads(checkpointer)).toEqual([]);
      expect(await getThread(checkpointer, 'nope')).toBeUndefined();
      expect(await deleteThread(checkpointer, 'nope')).toBe(false);

      const one = await ask(checkpointer, 'How much forest is in Alabama?');
      const two = await ask(checkpointer, 'Which states have the most urban expansion?');
      const listed = await listThreads(checkpointer);
      expect(listed.map((t) => t.threadId)).toEqual([two.threadId, one.threadId]);
      expect(listed[1]).toMatchObject({
        messageCount: 4,
        lastQuestion: 'How much forest is in Alabama?',
      });
      expect(Date.parse(listed[0]!.updatedAt)).not.toBeNaN();
      expect(await listThreads(checkpointer, { limit: 1 })).toHaveLength(1);
      // A follow-up makes the older thread the newest; a limited list reads only what it shows.
      await ask(checkpointer, 'and in Texas?', one.threadId);
      let reads = 0;
      const counting = Object.assign(Object.create(checkpointer) as typeof checkpointer, {
        getTuple: (config: Parameters<typeof checkpointer.getTuple>[0]) => {
          reads++;
          return checkpointer.getTuple(config);
        },
      });
      const newest = await listThreads(counting, { limit: 1 });
      expect(newest.map((t) => t.threadId)).toEqual([one.threadId]);
      expect(newest[0]!.lastQuestion).toBe('and in Texas?');
      expect(reads).toBe(1);

      expect(await deleteThread(checkpointer, one.threadId)).toBe(true);
      expect(await getThread(checkpointer, one.threadId)).toBeUndefined();
      expect((await listThreads(checkpointer)).map((t) => t.threadId)).toEqual([two.threadId]);
      expect((await getThread(checkpointer, two.threadId))!.messages).toHaveLength(4);
      checkpointer.close();
    }
  });
});
