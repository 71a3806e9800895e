import type { ChatEvent } from '../../api.ts';
import type { Turn } from '../../threads.ts';

/**
 * A turn after one streamed event: answer text appended, a tool card started or finished (with
 * its rows, time and SQL), a table added, an error kept. `final` and `heartbeat` are the page's.
 */
export function applyEvent(t: Turn, e: ChatEvent): Turn {
  switch (e.type) {
    case 'token':
      return { ...t, answer: t.answer + e.text };
    case 'tool_start':
      return { ...t, tools: [...t.tools, { name: e.name, args: e.args, running: true }] };
    case 'tool_end': {
      const i = t.tools.findIndex((x) => x.running && x.name === e.name);
      const done: Turn['tools'][number] = {
        name: e.name,
        args: e.args,
        rows: e.rows,
        durationMs: e.durationMs,
        ok: e.ok,
        ...(e.sql ? { sql: e.sql } : {}),
        ...(e.params ? { params: e.params } : {}),
      };
      return {
        ...t,
        tools: i < 0 ? [...t.tools, done] : t.tools.map((x, j) => (j === i ? done : x)),
      };
    }
    case 'table':
      return { ...t, tables: [...t.tables, { title: e.title, columns: e.columns, rows: e.rows }] };
    case 'error':
      return { ...t, error: { code: e.code, message: e.message } };
    case 'final':
    case 'heartbeat':
      return t;
  }
}
