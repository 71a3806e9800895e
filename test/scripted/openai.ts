/** A scripted OpenAI Chat Completions server (POST /v1/chat/completions), JSON and SSE. */
import {
  startScriptedServer,
  writeJson,
  writeSse,
  type Reply,
  type Render,
  type Responder,
  type ScriptedServer,
} from './server.ts';

const OPENAI_USAGE = { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 };

const render: Render = (reply, request, res, n) => {
  const id = `chatcmpl-${n}`;
  const model = typeof request.body.model === 'string' ? request.body.model : 'scripted';
  const created = 1_700_000_000;
  const call =
    'tool' in reply
      ? {
          id: `call_${n}`,
          type: 'function' as const,
          function: {
            name: reply.tool,
            arguments: reply.rawArgs ?? JSON.stringify(reply.args ?? {}),
          },
        }
      : undefined;
  const text = reply.text ?? null;
  const finish = call ? 'tool_calls' : 'stop';
  if (!request.stream) {
    writeJson(res, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, ...(call ? { tool_calls: [call] } : {}) },
          logprobs: null,
          finish_reason: finish,
        },
      ],
      usage: OPENAI_USAGE,
    });
    return;
  }
  const chunk = (delta: Record<string, unknown>, finish_reason: string | null = null) => ({
    data: {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason }],
    },
  });
  const events = [chunk({ role: 'assistant', content: '' })];
  // Text in a few pieces, as a real stream sends it.
  for (const piece of text ? (text.match(/.{1,12}/gs) ?? []) : [])
    events.push(chunk({ content: piece }));
  if (call) {
    const args = call.function.arguments;
    events.push(
      chunk({
        tool_calls: [
          {
            index: 0,
            id: call.id,
            type: 'function',
            function: { name: call.function.name, arguments: '' },
          },
        ],
      }),
    );
    const half = Math.ceil(args.length / 2);
    for (const part of [args.slice(0, half), args.slice(half)]) {
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }));
    }
  }
  events.push(chunk({}, finish));
  const options = request.body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage) {
    events.push({
      data: {
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [],
        usage: OPENAI_USAGE,
      },
    } as never);
  }
  writeSse(res, events, '[DONE]');
};

/** Starts a server that answers with `script`, one reply per request (or a responder's); base URL ends in /v1. */
export async function startOpenAIServer(
  script: Reply[] | Responder,
  options: { delayMs?: number } = {},
): Promise<ScriptedServer> {
  const server = await startScriptedServer(
    script,
    {
      render,
      errorBody: (status, message) => ({
        error: {
          message,
          type: status === 429 ? 'rate_limit_exceeded' : 'server_error',
          code: null,
        },
      }),
    },
    options,
  );
  return { ...server, url: `${server.url}/v1` };
}

/** The tool results (role "tool" messages) a Chat Completions request carries. */
export function openAIToolResults(body: Record<string, unknown>): string[] {
  const messages = (body.messages ?? []) as { role: string; content: unknown }[];
  return messages
    .filter((m) => m.role === 'tool')
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
}
