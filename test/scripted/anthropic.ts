/** A scripted Anthropic Messages server (POST /v1/messages), JSON and SSE. */
import {
  startScriptedServer,
  writeJson,
  writeSse,
  type Reply,
  type Render,
  type Responder,
  type ScriptedServer,
} from './server.ts';

const ANTHROPIC_USAGE = { input_tokens: 200, output_tokens: 40 };

const render: Render = (reply, request, res, n) => {
  const id = `msg_${n}`;
  const model = typeof request.body.model === 'string' ? request.body.model : 'scripted';
  const blocks: Record<string, unknown>[] = [];
  if (reply.text) blocks.push({ type: 'text', text: reply.text });
  if ('tool' in reply) {
    // A malformed call's raw arguments cannot be JSON in a JSON reply; send them as a string.
    const input = reply.rawArgs !== undefined ? reply.rawArgs : (reply.args ?? {});
    blocks.push({ type: 'tool_use', id: `toolu_${n}`, name: reply.tool, input });
  }
  const stop_reason = 'tool' in reply ? 'tool_use' : 'end_turn';
  if (!request.stream) {
    writeJson(res, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: blocks,
      stop_reason,
      stop_sequence: null,
      usage: ANTHROPIC_USAGE,
    });
    return;
  }
  const events: { event: string; data: unknown }[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: ANTHROPIC_USAGE.input_tokens, output_tokens: 1 },
        },
      },
    },
  ];
  blocks.forEach((block, index) => {
    if (block.type === 'text') {
      events.push({
        event: 'content_block_start',
        data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
      });
      for (const piece of String(block.text).match(/.{1,12}/gs) ?? []) {
        events.push({
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } },
        });
      }
    } else {
      events.push({
        event: 'content_block_start',
        data: { type: 'content_block_start', index, content_block: { ...block, input: {} } },
      });
      const json = typeof block.input === 'string' ? block.input : JSON.stringify(block.input);
      const half = Math.ceil(json.length / 2);
      for (const part of [json.slice(0, half), json.slice(half)]) {
        events.push({
          event: 'content_block_delta',
          data: {
            type: 'content_block_delta',
            index,
            delta: { type: 'input_json_delta', partial_json: part },
          },
        });
      }
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push({
    event: 'message_delta',
    data: {
      type: 'message_delta',
      delta: { stop_reason, stop_sequence: null },
      usage: { output_tokens: ANTHROPIC_USAGE.output_tokens },
    },
  });
  events.push({ event: 'message_stop', data: { type: 'message_stop' } });
  writeSse(res, events);
};

const ERROR_TYPES: Record<number, string> = {
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** Starts a server that answers with `script`, one reply per request (or a responder's) (base URL without /v1). */
export function startAnthropicServer(script: Reply[] | Responder): Promise<ScriptedServer> {
  return startScriptedServer(script, {
    render,
    errorBody: (status, message) => ({
      type: 'error',
      error: { type: ERROR_TYPES[status] ?? 'api_error', message },
    }),
  });
}

/** The tool results (tool_result blocks) a Messages request carries, as text. */
export function anthropicToolResults(body: Record<string, unknown>): string[] {
  const messages = (body.messages ?? []) as { role: string; content: unknown }[];
  const out: string[] = [];
  for (const m of messages) {
    if (!Array.isArray(m.content)) continue;
    for (const block of m.content as { type: string; content?: unknown }[]) {
      if (block.type !== 'tool_result') continue;
      const c = block.content;
      out.push(
        typeof c === 'string'
          ? c
          : Array.isArray(c)
            ? (c as { text?: string }[]).map((x) => x.text ?? '').join('')
            : JSON.stringify(c),
      );
    }
  }
  return out;
}
