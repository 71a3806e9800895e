import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  AIMessage,
  HumanMessage,
  ToolMessage,
  type BaseMessage,
  type ToolCall,
} from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { tool } from '@langchain/core/tools';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OfflineChatModel } from './offline.ts';
import type { Clock } from './rate-limit.ts';
import { fallbackNote, ResilientChatModel, type ProviderEvent } from './resilient.ts';

const QUESTION = 'How much forest is in Alabama?';

/** A provider that replies with the next of its script: a message, or an error thrown. */
class ScriptedModel extends BaseChatModel {
  calls = 0;
  constructor(private readonly script: (AIMessage | Error)[]) {
    super({});
  }
  override _llmType(): string {
    return 'scripted';
  }
  override bindTools(): this {
    return this;
  }
  override _generate(): Promise<ChatResult> {
    const next = this.script[this.calls++];
    if (!next) throw new Error('script exhausted');
    if (next instanceof Error) return Promise.reject(next);
    return Promise.resolve({ generations: [{ text: next.text, message: next }] });
  }
}

const instant: Clock = { now: () => 0, sleep: () => Promise.resolve() };

const tools = [
  tool(() => 'ok', {
    name: 'compare_states',
    description: 'Ranks states.',
    schema: z.object({ metric: z.enum(['urban_expansion', 'forest_loss']) }),
  }),
];

function resilient(script: (AIMessage | Error)[], options: { fallback?: boolean } = {}) {
  const provider = new ScriptedModel(script);
  const events: ProviderEvent[] = [];
  const model = new ResilientChatModel({
    provider: 'openai',
    model: provider,
    fallback: options.fallback === false ? undefined : new OfflineChatModel(),
    limiter: { acquire: () => Promise.resolve() },
    retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
    clock: instant,
    onEvent: (e) => events.push(e),
  }).bindTools(tools);
  const invoke = (messages: BaseMessage[]) => model.invoke(messages, {});
  return { provider, events, invoke };
}

let n = 0;
function call(name: string, args: Record<string, unknown>): AIMessage {
  return new AIMessage({ content: '', tool_calls: [{ id: `call_${++n}`, name, args }] });
}

function unparsed(): AIMessage {
  return new AIMessage({
    content: '',
    invalid_tool_calls: [
      { id: `call_${++n}`, name: 'compare_states', args: '{"metric": "urb', error: 'bad' },
    ],
  });
}

/** The tool node's answer to a call it could not run. */
function toolError(m: AIMessage): ToolMessage {
  const c = m.tool_calls![0] as ToolCall;
  return new ToolMessage({
    tool_call_id: c.id!,
    name: c.name,
    status: 'error',
    content: `Error: ${c.name} failed. Please fix your mistakes.`,
  });
}

describe('garbled tool calls', () => {
  it('asks again when the arguments are not JSON, and counts it as a retry', async () => {
    const { provider, events, invoke } = resilient([
      unparsed(),
      new AIMessage('Forest: 22 acres.'),
    ]);
    const reply = await invoke([new HumanMessage(QUESTION)]);
    expect(reply.text).toBe('Forest: 22 acres.');
    expect(provider.calls).toBe(2);
    expect(events).toMatchObject([
      {
        type: 'retry',
        attempt: 1,
        reason: 'its tool call arguments were not valid JSON (compare_states)',
      },
    ]);
  });

  it('past the budget, the planner answers and its note gives the reason', async () => {
    const { provider, events, invoke } = resilient([unparsed(), unparsed(), unparsed()]);
    const reply = await invoke([new HumanMessage(QUESTION)]);
    expect(provider.calls).toBe(3);
    expect(reply.tool_calls).toMatchObject([{ name: 'query_land_use_area' }]);
    expect(events.map((e) => e.type)).toEqual(['retry', 'retry', 'fallback']);
    // The planner's final answer (here from a failed tool) carries the note with the reason.
    const planned = new AIMessage({
      content: '',
      tool_calls: reply.tool_calls!,
      additional_kwargs: reply.additional_kwargs,
    });
    const final = await invoke([new HumanMessage(QUESTION), planned, toolError(planned)]);
    const reason = 'its tool call arguments were not valid JSON (compare_states), after 3 attempts';
    expect(final.text.startsWith(`${fallbackNote('openai', reason)}\n\n`)).toBe(true);
    expect(final.text.split('\n')[0]).toBe(fallbackNote('openai'));
    expect(provider.calls).toBe(3);
  });

  it('without a fallback, hands the last garbled reply to the graph (it tells the model)', async () => {
    const { provider, invoke } = resilient([unparsed(), unparsed(), unparsed()], {
      fallback: false,
    });
    const reply = await invoke([new HumanMessage(QUESTION)]);
    expect(provider.calls).toBe(3);
    expect(reply.invalid_tool_calls).toHaveLength(1);
  });

  it('gives a wrong tool or wrong arguments more rounds, then the planner plans afresh', async () => {
    const unknown = call('compare_countries', { metric: 'urban_expansion' });
    const badArgs = call('compare_states', { metric: 'urban_sprawl' });
    const again = call('compare_countries', {});
    const { provider, events, invoke } = resilient([unknown, badArgs, again]);
    const history: BaseMessage[] = [new HumanMessage(QUESTION)];
    for (const expected of [unknown, badArgs, again]) {
      const reply = await invoke(history);
      expect(reply.tool_calls![0]!.name).toBe(expected.tool_calls![0]!.name);
      const m = new AIMessage({ content: '', tool_calls: reply.tool_calls! });
      history.push(m, toolError(m));
    }
    const reply = await invoke(history);
    // Three garbled replies: two retries, then the planner, which did not read the errors.
    expect(provider.calls).toBe(3);
    expect(events).toMatchObject([
      {
        type: 'retry',
        reason: 'it called a tool that does not exist (compare_countries), after 1 attempt',
      },
      {
        type: 'retry',
        reason: 'its arguments for compare_states did not fit the tool, after 2 attempts',
      },
      {
        type: 'fallback',
        reason: 'it called a tool that does not exist (compare_countries), after 3 attempts',
      },
    ]);
    expect(reply.tool_calls).toMatchObject([{ name: 'query_land_use_area' }]);
  });

  it('a garbled round the model then corrects is a retry, not a fallback', async () => {
    const unknown = call('compare_countries', {});
    const good = call('compare_states', { metric: 'forest_loss' });
    const { events, invoke } = resilient([unknown, good]);
    const m = new AIMessage({ content: '', tool_calls: unknown.tool_calls! });
    await invoke([new HumanMessage(QUESTION)]);
    const reply = await invoke([new HumanMessage(QUESTION), m, toolError(m)]);
    expect(reply.tool_calls).toMatchObject([{ name: 'compare_states' }]);
    expect(events.map((e) => e.type)).toEqual(['retry']);
  });
});

describe('the fallback note', () => {
  it('names the provider failure and the attempts', async () => {
    const fail = () => Object.assign(new Error('boom'), { status: 500 });
    const { invoke } = resilient([fail(), fail(), fail()]);
    const planned = await invoke([new HumanMessage(QUESTION)]);
    const m = new AIMessage({
      content: '',
      tool_calls: planned.tool_calls!,
      additional_kwargs: planned.additional_kwargs,
    });
    const final = await invoke([new HumanMessage(QUESTION), m, toolError(m)]);
    expect(final.text).toMatch(
      /^The openai model could not answer; the offline planner answered\.\nReason: HTTP 500, after 3 attempts\.\n\n/,
    );
  });
});
