import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerQuestion,
  createOfflineAgent,
  LOCAL_OWNER,
  threadKey,
  type AgentGraph,
} from '../src/agent/index.ts';
import { createAgentGraph } from '../src/agent/graph.ts';
import { createTools } from '../src/agent/tools/index.ts';
import type { AnalyticsService } from '../src/analytics/open.ts';
import { openHandMade } from './helpers.ts';

describe('the agent with the offline planner', () => {
  let cleanup: () => Promise<void>;
  let service: AnalyticsService;
  let agent: AgentGraph;
  const ask = (question: string, threadId?: string) =>
    answerQuestion({
      agent,
      question,
      threadId,
      provider: 'offline',
      dataset: service.ctx.dataset,
      timeoutMs: 10_000,
    });

  beforeAll(async () => {
    const h = await openHandMade({ poolSize: 1 });
    cleanup = h.cleanup;
    service = h.service;
    agent = createOfflineAgent(service, { maxIterations: 8, maxRows: 1000, enableSql: false });
  });
  afterAll(() => cleanup());

  it('answers a question with the tool call, its table and the numbers from it', async () => {
    const r = await ask('Which states have the most urban expansion?');
    expect(r.toolCalls).toMatchObject([
      { name: 'compare_states', args: { metric: 'urban_expansion' }, rows: 2 },
    ]);
    expect(r.tables[0]!.rows).toMatchObject([
      { state: 'AL', value: 600 },
      { state: 'CA', value: 150 },
    ]);
    expect(r.answer).toContain('600 acres');
    expect(r.answer).toContain('150 acres');
    expect(r.scenario).toEqual(['OVERALL']);
    expect(r.years).toEqual({ start: 2020, end: 2030 });
    expect(r.followUps.length).toBeGreaterThan(0);
    expect(r.provider).toBe('offline');
    expect(r.timings.totalMs).toBeGreaterThan(0);
  });

  it('keeps the thread: a follow-up changes only what it says', async () => {
    const first = await ask('How much new urban land is there in California?');
    expect(first.toolCalls[0]).toMatchObject({
      name: 'query_urban_expansion',
      args: { states: ['CA'] },
    });
    const second = await ask('what about under HH?', first.threadId);
    expect(second.threadId).toBe(first.threadId);
    expect(second.toolCalls[0]).toMatchObject({
      name: 'query_urban_expansion',
      args: { states: ['CA'], scenario: 'HH' },
    });
    // Los Angeles under HH: 2 hundred acres of rangeland become urban.
    expect(second.answer).toContain('**200 acres**');
  });

  it('declines politely outside the data, with examples, and calls no tool', async () => {
    const r = await ask('What will the stock market do next year?');
    expect(r.toolCalls).toEqual([]);
    expect(r.answer).toMatch(/land use/i);
    expect(r.answer).toContain('- ');
  });

  it('ends with a clear message after the most rounds allowed', async () => {
    class Looping extends BaseChatModel {
      override _llmType() {
        return 'looping';
      }
      override async _generate(messages: BaseMessage[]): Promise<ChatResult> {
        const message = new AIMessage({
          content: '',
          tool_calls: [
            { id: `c${messages.length}`, name: 'get_data_summary', args: {}, type: 'tool_call' },
          ],
        });
        return Promise.resolve({ generations: [{ text: '', message }] });
      }
    }
    const looping = createAgentGraph({
      model: new Looping({}),
      tools: createTools({ analytics: service.analytics, ctx: service.ctx }),
      maxIterations: 3,
    });
    const r = await answerQuestion({
      agent: looping,
      question: 'loop',
      provider: 'test',
      dataset: 'rpa',
      timeoutMs: 10_000,
    });
    expect(r.answer).toContain('stopped after 3 steps');
    expect(r.toolCalls).toHaveLength(2);
  });

  it('reports progress in order: tool start, tool end, then the answer text', async () => {
    const events: string[] = [];
    const r = await answerQuestion({
      agent,
      question: 'How much forest is in Alabama?',
      provider: 'offline',
      dataset: 'rpa',
      timeoutMs: 10_000,
      onEvent: (e) =>
        events.push(
          e.type === 'token'
            ? `token:${e.text.length > 0}`
            : e.type === 'table'
              ? `table:${e.rows.length > 0}`
              : `${e.type}:${e.name}`,
        ),
    });
    expect(events).toEqual([
      'tool_start:query_land_use_area',
      'tool_end:query_land_use_area',
      'table:true',
      'table:true',
      'token:true',
    ]);
    expect(r.answer).toContain('2,100 acres');
    // The rows, then the key figures: every figure the answer states is in a table.
    expect(r.tables.map((t) => t.title.startsWith('Key figures'))).toEqual([false, true]);
    expect(r.tables[1]!.rows).toContainEqual({ figure: 'total acres', value: 2100 });
  });

  it('leaves the conversation as it was when a question fails', async () => {
    let calls = 0;
    class FailsSecondTime extends BaseChatModel {
      override _llmType() {
        return 'flaky';
      }
      override async _generate(messages: BaseMessage[]): Promise<ChatResult> {
        calls++;
        if (calls === 3) throw new Error('model went away');
        const last = messages.at(-1)!;
        const message =
          last.getType() === 'tool'
            ? new AIMessage('done')
            : new AIMessage({
                content: '',
                tool_calls: [
                  { id: `c${calls}`, name: 'get_data_summary', args: {}, type: 'tool_call' },
                ],
              });
        return Promise.resolve({ generations: [{ text: '', message }] });
      }
    }
    const flaky = createAgentGraph({
      model: new FailsSecondTime({}),
      tools: createTools({ analytics: service.analytics, ctx: service.ctx }),
      maxIterations: 5,
    });
    const opts = { agent: flaky, provider: 'test', dataset: 'rpa' as const, timeoutMs: 10_000 };
    const first = await answerQuestion({ ...opts, question: 'one' });
    const config = { configurable: { thread_id: threadKey(LOCAL_OWNER, first.threadId) } };
    const kept = ((await flaky.getState(config)).values as { messages: BaseMessage[] }).messages
      .length;
    await expect(
      answerQuestion({ ...opts, question: 'two', threadId: first.threadId }),
    ).rejects.toThrow();
    const after = ((await flaky.getState(config)).values as { messages: BaseMessage[] }).messages;
    expect(after).toHaveLength(kept);
    expect(after.at(-1)!.content).toBe('done');
  });

  it('answers a tool call with unparseable arguments with an error the model recovers from', async () => {
    let calls = 0;
    class Garbled extends BaseChatModel {
      override _llmType() {
        return 'garbled';
      }
      override async _generate(messages: BaseMessage[]): Promise<ChatResult> {
        calls++;
        const last = messages.at(-1)!;
        const message =
          calls === 1
            ? new AIMessage({
                content: '',
                invalid_tool_calls: [
                  {
                    id: 'bad1',
                    name: 'get_data_summary',
                    args: '{not json',
                    error: 'parse',
                    type: 'invalid_tool_call',
                  },
                ],
              })
            : calls === 2
              ? new AIMessage({
                  content: '',
                  tool_calls: [
                    { id: 'ok1', name: 'get_data_summary', args: {}, type: 'tool_call' },
                  ],
                })
              : new AIMessage(
                  `recovered after: ${messages.at(-3)?.text.slice(0, 40) ?? ''} | ${last.getType()}`,
                );
        return Promise.resolve({ generations: [{ text: '', message }] });
      }
    }
    const garbled = createAgentGraph({
      model: new Garbled({}),
      tools: createTools({ analytics: service.analytics, ctx: service.ctx }),
      maxIterations: 5,
    });
    const r = await answerQuestion({
      agent: garbled,
      question: 'q',
      provider: 'test',
      dataset: 'rpa',
      timeoutMs: 10_000,
    });
    expect(r.toolCalls.map((c) => c.name)).toEqual(['get_data_summary']);
    expect(r.answer).toContain('recovered after');
    expect(calls).toBe(3);
  });

  it('ends with a clear message when the question runs out of time, thread intact', async () => {
    class Slow extends BaseChatModel {
      override _llmType() {
        return 'slow';
      }
      override async _generate(): Promise<ChatResult> {
        await new Promise((r) => setTimeout(r, 2000));
        return { generations: [{ text: 'late', message: new AIMessage('late') }] };
      }
    }
    const slow = createAgentGraph({
      model: new Slow({}),
      tools: createTools({ analytics: service.analytics, ctx: service.ctx }),
      maxIterations: 3,
    });
    const started = performance.now();
    const r = await answerQuestion({
      agent: slow,
      question: 'q',
      provider: 'test',
      dataset: 'rpa',
      timeoutMs: 200,
    });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(r.answer).toContain('stopped after');
    expect(r.answer).toContain('LANDUSE_MAX_EXECUTION_TIME');
    const state = await slow.getState({
      configurable: { thread_id: threadKey(LOCAL_OWNER, r.threadId) },
    });
    expect((state.values as { messages?: BaseMessage[] }).messages ?? []).toHaveLength(0);
  });

  it('refuses an empty question', async () => {
    await expect(ask('   ')).rejects.toMatchObject({ code: 'bad_request:empty_question' });
  });
});
