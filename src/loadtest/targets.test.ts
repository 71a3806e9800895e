import { describe, expect, it } from 'vitest';
import { httpCall, outcomeOf, sseEvents, userAddress } from './targets.ts';

const ask = { kind: 'ask', question: 'and in Texas?', followUp: true } as const;
const chat = { kind: 'chat', question: 'What data is available?', followUp: false } as const;

describe('requests and their outcomes', () => {
  it('asks a follow-up on the user’s thread, a new question on none', () => {
    expect(httpCall(ask, { threadId: 't1' })).toEqual({
      method: 'POST',
      path: '/api/ask',
      body: { question: 'and in Texas?', threadId: 't1' },
    });
    expect(httpCall(ask, {}).body).toEqual({ question: 'and in Texas?' });
    expect(httpCall(chat, { threadId: 't1' })).toMatchObject({
      path: '/api/chat',
      body: { question: 'What data is available?' },
    });
    expect(httpCall({ kind: 'sql', sql: 'SELECT 1' }, {})).toEqual({
      method: 'POST',
      path: '/api/sql',
      body: { sql: 'SELECT 1' },
    });
    expect(httpCall({ kind: 'export', path: '/api/export?format=csv' }, {})).toEqual({
      method: 'GET',
      path: '/api/export?format=csv',
    });
  });

  it('reads an answer: its thread, tools and whether the cache gave it', () => {
    const body = JSON.stringify({ threadId: 't2', toolCalls: [{ name: 'compare_states' }] });
    expect(outcomeOf(ask, 200, body, 'hit')).toEqual({
      ok: true,
      threadId: 't2',
      tools: ['compare_states'],
      cached: true,
    });
    expect(outcomeOf(ask, 200, 'oops', undefined)).toEqual({
      ok: false,
      error: 'bad response: not JSON',
    });
  });

  it('groups failures by status and the API’s error code', () => {
    const busy = JSON.stringify({ error: { code: 'busy:agent', message: 'busy' } });
    expect(outcomeOf(ask, 503, busy, undefined)).toEqual({
      ok: false,
      error: 'HTTP 503 busy:agent',
    });
    expect(outcomeOf({ kind: 'analytics', path: '/x' }, 502, '<html>', undefined)).toEqual({
      ok: false,
      error: 'HTTP 502',
    });
    expect(outcomeOf({ kind: 'analytics', path: '/x' }, 200, '{}', undefined)).toEqual({
      ok: true,
    });
  });

  it('reads a chat stream to its final or error event', () => {
    const final = JSON.stringify({ threadId: 't3', toolCalls: [{ name: 'get_data_summary' }] });
    const stream = `event: token\ndata: {"text":"Hi"}\n\nevent: heartbeat\ndata: {}\n\nevent: final\ndata: ${final}\n\n`;
    expect(sseEvents(stream).map((e) => e.event)).toEqual(['token', 'heartbeat', 'final']);
    expect(outcomeOf(chat, 200, stream, undefined)).toEqual({
      ok: true,
      threadId: 't3',
      tools: ['get_data_summary'],
    });
    const failed = 'event: error\ndata: {"code":"timeout:agent","message":"too slow"}\n\n';
    expect(outcomeOf(chat, 200, failed, undefined)).toEqual({
      ok: false,
      error: 'stream error timeout:agent',
    });
    expect(outcomeOf(chat, 200, 'event: token\ndata: {}\n\n', undefined)).toEqual({
      ok: false,
      error: 'stream ended without a final event',
    });
  });

  it('gives each user its own address', () => {
    expect(userAddress(1)).toBe('10.0.0.1');
    expect(userAddress(300)).toBe('10.0.1.44');
    expect(new Set(Array.from({ length: 1000 }, (_, i) => userAddress(i + 1))).size).toBe(1000);
  });
});
