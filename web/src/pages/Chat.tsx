import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import { ApiError, getJson, postJson, streamChat, type ChatEvent } from '../api.ts';
import { ResultBlock } from '../components/ResultBlock.tsx';
import { formatNumber } from '../format.ts';
import { Markdown } from '../markdown.tsx';
import { setParams, useLocation } from '../router.ts';
import {
  forgetThread,
  renameThread,
  savedTurns,
  saveTurns,
  threadNames,
  turnsFromMessages,
  type Turn,
} from '../threads.ts';

const EXAMPLES = [
  'Which states have the most urban expansion?',
  'How much forest does Georgia lose by 2070 under each scenario?',
  'Where does new urban land come from?',
  'Compare cropland loss in Iowa and Illinois',
  'Which counties in Texas gain the most urban land?',
];

interface ThreadSummary {
  threadId: string;
  updatedAt: string;
  messageCount: number;
  lastQuestion: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ToolCard({ tool }: { tool: Turn['tools'][number] }) {
  const args = Object.entries(tool.args);
  return (
    <details className="tool-card">
      <summary>
        <span className="tool-icon" aria-hidden="true">
          {tool.running ? '…' : tool.ok === false ? '!' : '✓'}
        </span>
        <code>{tool.name}</code>
        <span className="muted">
          {tool.running
            ? ' running…'
            : [
                tool.rows !== undefined
                  ? ` ${formatNumber(tool.rows)} row${tool.rows === 1 ? '' : 's'}`
                  : '',
                tool.durationMs !== undefined ? ` · ${formatNumber(tool.durationMs, 0)} ms` : '',
              ].join('')}
        </span>
        {args.length > 0 && (
          <span className="tool-args muted">
            {' '}
            {args
              .slice(0, 3)
              .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
              .join(', ')}
          </span>
        )}
      </summary>
      <pre>{JSON.stringify(tool.args, null, 2)}</pre>
    </details>
  );
}

function Thumb({ down }: { down?: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="16"
      height="16"
      aria-hidden="true"
      style={down ? { transform: 'rotate(180deg)' } : undefined}
    >
      <path
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinejoin="round"
        d="M7 10v11H3V10zm0 0 4-8c1.7 0 3 1.3 3 3v3h5.5a2 2 0 0 1 2 2.3l-1.4 8A2 2 0 0 1 18.1 20H7"
      />
    </svg>
  );
}

function Feedback({ turn, onRated }: { turn: Turn; onRated: (r: 'up' | 'down') => void }) {
  const [open, setOpen] = useState<'up' | 'down' | null>(null);
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'idle' | 'sent' | 'failed'>(turn.feedback ? 'sent' : 'idle');
  const send = async (rating: 'up' | 'down', text: string) => {
    try {
      await postJson('/api/feedback', {
        threadId: turn.result?.threadId,
        question: turn.question,
        answer: turn.answer.slice(0, 4000),
        rating,
        ...(text.trim() ? { comment: text.trim() } : {}),
      });
      setState('sent');
      onRated(rating);
    } catch {
      setState('failed');
    }
    setOpen(null);
  };
  if (state === 'sent') return <span className="muted">Thanks for the feedback.</span>;
  return (
    <span className="row feedback">
      <button
        type="button"
        aria-label="Good answer"
        onClick={() => setOpen('up')}
        aria-pressed={open === 'up'}
      >
        <Thumb />
      </button>
      <button
        type="button"
        aria-label="Bad answer"
        onClick={() => setOpen('down')}
        aria-pressed={open === 'down'}
      >
        <Thumb down />
      </button>
      {open && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void send(open, comment);
          }}
        >
          <label>
            <span className="visually-hidden">Comment (optional)</span>
            <input
              type="text"
              placeholder="Comment (optional)"
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              maxLength={2000}
            />
          </label>
          <button type="submit">Send</button>
        </form>
      )}
      {state === 'failed' && <span className="muted">Feedback could not be sent.</span>}
    </span>
  );
}

function TurnView({
  turn,
  busy,
  onAsk,
  onRetry,
  onStop,
  onRated,
}: {
  turn: Turn;
  busy: boolean;
  onAsk: (q: string) => void;
  onRetry: () => void;
  onStop: () => void;
  onRated: (r: 'up' | 'down') => void;
}) {
  const [copied, setCopied] = useState(false);
  const working = !turn.result && !turn.error && !turn.stopped;
  return (
    <article className="turn" aria-busy={working}>
      <div className="question">
        <span className="visually-hidden">You asked: </span>
        {turn.question}
      </div>
      <div className="answer">
        {turn.tools.length > 0 && (
          <div className="tools" aria-label="Tool calls">
            {turn.tools.map((t, i) => (
              <ToolCard key={i} tool={t} />
            ))}
          </div>
        )}
        {turn.retryIn !== undefined && (
          <p className="notice" role="status">
            The server is busy: retrying in {turn.retryIn} s.{' '}
            <button type="button" className="link" onClick={onStop}>
              Cancel
            </button>
          </p>
        )}
        {working && turn.retryIn === undefined && !turn.answer && (
          <p className="muted thinking" role="status">
            Working on it…
          </p>
        )}
        {turn.answer && (
          <div className="answer-text" aria-live={working ? 'polite' : undefined}>
            <Markdown text={turn.answer} />
          </div>
        )}
        {turn.error && (
          <div className="error" role="alert">
            <p>
              <strong>That question could not be answered.</strong> {turn.error.message}
            </p>
            <button type="button" onClick={onRetry} disabled={busy}>
              Retry
            </button>
          </div>
        )}
        {turn.stopped && !turn.error && <p className="muted">Stopped.</p>}
        {turn.tables.map((t, i) => (
          <ResultBlock key={`${turn.id}-${i}`} table={t} index={`${turn.id}-${i}`} />
        ))}
        {turn.result && turn.answer && (
          <div className="row turn-actions">
            <button
              type="button"
              onClick={() => {
                void navigator.clipboard?.writeText(turn.answer).then(() => {
                  setCopied(true);
                  setTimeout(() => setCopied(false), 1500);
                });
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button type="button" onClick={onRetry} disabled={busy}>
              Regenerate
            </button>
            <Feedback turn={turn} onRated={onRated} />
            {turn.result.timings.totalMs > 0 && (
              <span className="muted small">
                {formatNumber(turn.result.timings.totalMs / 1000, 1)} s · {turn.result.provider}
              </span>
            )}
          </div>
        )}
        {turn.followUps.length > 0 && (
          <div className="chips" role="group" aria-label="Follow-up questions">
            {turn.followUps.map((f) => (
              <button
                key={f}
                type="button"
                className="chip"
                onClick={() => onAsk(f)}
                disabled={busy}
              >
                {f}
              </button>
            ))}
          </div>
        )}
      </div>
    </article>
  );
}

function ThreadList({ current, onNew }: { current: string | null; onNew: () => void }) {
  const client = useQueryClient();
  const threads = useQuery({
    queryKey: ['threads'],
    queryFn: () => getJson<{ threads: ThreadSummary[] }>('/api/threads?limit=50'),
    staleTime: 10_000,
  });
  const [, bump] = useState(0);
  // Names live in this browser's storage: read on every render (the list re-renders as threads change).
  const names = threadNames();
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const remove = async (id: string) => {
    if (!window.confirm('Delete this conversation?')) return;
    try {
      await getJson(`/api/threads/${id}`, { method: 'DELETE' });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    forgetThread(id);
    bump((n) => n + 1);
    if (id === current) onNew();
    await client.invalidateQueries({ queryKey: ['threads'] });
  };
  return (
    <aside className="threads" aria-label="Conversations">
      <div className="row threads-head">
        <h2>Conversations</h2>
        <button type="button" onClick={onNew}>
          New
        </button>
      </div>
      {threads.isError && <p className="muted">Conversations could not be listed.</p>}
      {threads.data?.threads.length === 0 && (
        <p className="muted small">None yet: ask a question.</p>
      )}
      <ul>
        {threads.data?.threads.map((t) => (
          <li key={t.threadId} className={t.threadId === current ? 'current' : undefined}>
            {editing === t.threadId ? (
              <form
                className="row"
                onSubmit={(e) => {
                  e.preventDefault();
                  renameThread(t.threadId, draft);
                  bump((n) => n + 1);
                  setEditing(null);
                }}
              >
                <label>
                  <span className="visually-hidden">Name</span>
                  <input
                    type="text"
                    value={draft}
                    onChange={(e) => setDraft(e.target.value)}
                    autoFocus
                  />
                </label>
                <button type="submit">Save</button>
              </form>
            ) : (
              <>
                <button
                  type="button"
                  className="thread-open"
                  aria-current={t.threadId === current ? 'true' : undefined}
                  onClick={() => setParams({ thread: t.threadId }, false)}
                >
                  {names[t.threadId] ?? t.lastQuestion}
                  <span className="muted small">
                    {' '}
                    · {new Date(t.updatedAt).toLocaleDateString()}
                  </span>
                </button>
                <span className="thread-actions">
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      setDraft(names[t.threadId] ?? t.lastQuestion);
                      setEditing(t.threadId);
                    }}
                  >
                    Rename
                    <span className="visually-hidden"> {names[t.threadId] ?? t.lastQuestion}</span>
                  </button>
                  <button type="button" className="link" onClick={() => void remove(t.threadId)}>
                    Delete
                    <span className="visually-hidden"> {names[t.threadId] ?? t.lastQuestion}</span>
                  </button>
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}

export function ChatPage() {
  const { params } = useLocation();
  const threadParam = params.get('thread');
  const client = useQueryClient();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [question, setQuestion] = useState('');
  const [busy, setBusy] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** The thread the turns on screen belong to. */
  const threadRef = useRef<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const endRef = useRef<HTMLDivElement>(null);

  // A thread named in the URL: this browser's copy (with tables), else the server's.
  useEffect(() => {
    if (threadParam === threadRef.current) return;
    abortRef.current?.abort();
    threadRef.current = threadParam;
    setLoadError(null);
    if (!threadParam) {
      setTurns([]);
      return;
    }
    const saved = savedTurns(threadParam);
    if (saved) {
      setTurns(saved);
      return;
    }
    setTurns([]);
    getJson<{ messages: Parameters<typeof turnsFromMessages>[1] }>(`/api/threads/${threadParam}`)
      .then(
        (t) =>
          threadRef.current === threadParam && setTurns(turnsFromMessages(threadParam, t.messages)),
      )
      .catch((e: unknown) => setLoadError(e instanceof Error ? e.message : String(e)));
  }, [threadParam]);

  // `/` anywhere outside a field goes to the question box.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (
        e.key === '/' &&
        !e.ctrlKey &&
        !e.metaKey &&
        !/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) &&
        !t.isContentEditable
      ) {
        e.preventDefault();
        inputRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const update = useCallback(
    (id: string, f: (t: Turn) => Turn) => setTurns((ts) => ts.map((t) => (t.id === id ? f(t) : t))),
    [],
  );

  const ask = useCallback(
    async (text: string) => {
      const q = text.trim();
      if (!q || busy) return;
      const id = crypto.randomUUID();
      setTurns((ts) => [
        ...ts,
        { id, question: q, answer: '', tools: [], tables: [], followUps: [] },
      ]);
      setQuestion('');
      setBusy(true);
      const controller = new AbortController();
      abortRef.current = controller;
      const onEvent = (e: ChatEvent) => {
        switch (e.type) {
          case 'token':
            update(id, (t) => ({ ...t, answer: t.answer + e.text }));
            break;
          case 'tool_start':
            update(id, (t) => ({
              ...t,
              tools: [...t.tools, { name: e.name, args: e.args, running: true }],
            }));
            break;
          case 'tool_end':
            update(id, (t) => {
              const i = t.tools.findIndex((x) => x.running && x.name === e.name);
              const done = {
                name: e.name,
                args: e.args,
                rows: e.rows,
                durationMs: e.durationMs,
                ok: e.ok,
              } as Turn['tools'][number];
              return {
                ...t,
                tools: i < 0 ? [...t.tools, done] : t.tools.map((x, j) => (j === i ? done : x)),
              };
            });
            break;
          case 'table':
            update(id, (t) => ({
              ...t,
              tables: [...t.tables, { title: e.title, columns: e.columns, rows: e.rows }],
            }));
            break;
          case 'final': {
            const r = e.result;
            // A new conversation is named by its first question (renamed at will).
            if (threadRef.current !== r.threadId && !threadNames()[r.threadId])
              renameThread(r.threadId, q);
            threadRef.current = r.threadId;
            update(id, (t) => ({
              ...t,
              answer: r.answer,
              tables: r.tables,
              followUps: r.followUps,
              tools:
                r.toolCalls.length > 0 ? r.toolCalls.map((c) => ({ ...c, ok: true })) : t.tools,
              result: {
                threadId: r.threadId,
                provider: r.provider,
                dataset: r.dataset,
                timings: r.timings,
              },
            }));
            setParams({ thread: r.threadId }, !params.get('thread'));
            break;
          }
          case 'error':
            update(id, (t) => ({ ...t, error: { code: e.code, message: e.message } }));
            break;
          case 'heartbeat':
            break;
        }
      };
      try {
        for (;;) {
          try {
            await streamChat(
              { question: q, ...(threadRef.current ? { threadId: threadRef.current } : {}) },
              onEvent,
              controller.signal,
            );
            break;
          } catch (e) {
            if (controller.signal.aborted) throw e;
            if (e instanceof ApiError && e.status === 503) {
              // Busy: wait as long as the server asks (Retry-After), counting down, then try again.
              for (let s = e.retryAfterSeconds ?? 5; s > 0; s--) {
                update(id, (t) => ({ ...t, retryIn: s }));
                await sleep(1000);
                if (controller.signal.aborted) throw e;
              }
              update(id, (t) => ({ ...t, retryIn: undefined }));
              continue;
            }
            throw e;
          }
        }
      } catch (e) {
        if (controller.signal.aborted)
          update(id, (t) => ({ ...t, stopped: true, retryIn: undefined }));
        else {
          const err =
            e instanceof ApiError
              ? { code: e.code, message: e.message }
              : { code: 'network', message: `The server could not be reached (${String(e)}).` };
          update(id, (t) => ({ ...t, error: err, retryIn: undefined }));
        }
      } finally {
        abortRef.current = null;
        setBusy(false);
        void client.invalidateQueries({ queryKey: ['threads'] });
      }
    },
    [busy, update, client, params],
  );

  // Keep what this browser saw of the thread (tables included) for reloads.
  useEffect(() => {
    const id = threadRef.current;
    if (id && !busy && turns.length > 0) saveTurns(id, turns);
  }, [turns, busy]);

  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: 'end' });
  }, [turns.length]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void ask(question);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void ask(question);
    }
  };
  const newThread = () => {
    abortRef.current?.abort();
    threadRef.current = null;
    setTurns([]);
    setParams({ thread: null }, false);
    inputRef.current?.focus();
  };

  return (
    <div className="chat">
      <ThreadList current={threadParam} onNew={newThread} />
      <section className="conversation" aria-label="Conversation">
        <h1 className="visually-hidden">Chat</h1>
        {loadError && (
          <p className="error" role="alert">
            This conversation could not be opened: {loadError}
          </p>
        )}
        {turns.length === 0 && !loadError && (
          <div className="welcome">
            <h2>Ask about America’s land use future</h2>
            <p className="muted">
              County projections of crop, pasture, rangeland, forest and urban land, 2012-2070,
              under four climate and socioeconomic scenarios (USDA Forest Service 2020 RPA
              Assessment). Press <kbd>/</kbd> to type.
            </p>
            <div className="chips" role="group" aria-label="Example questions">
              {EXAMPLES.map((q) => (
                <button
                  key={q}
                  type="button"
                  className="chip"
                  onClick={() => void ask(q)}
                  disabled={busy}
                >
                  {q}
                </button>
              ))}
            </div>
          </div>
        )}
        {turns.map((t) => (
          <TurnView
            key={t.id}
            turn={t}
            busy={busy}
            onAsk={(q) => void ask(q)}
            onRetry={() => void ask(t.question)}
            onStop={() => abortRef.current?.abort()}
            onRated={(r) => update(t.id, (x) => ({ ...x, feedback: r }))}
          />
        ))}
        <div ref={endRef} />
        <form className="composer" onSubmit={submit}>
          <label htmlFor="question" className="visually-hidden">
            Your question
          </label>
          <textarea
            id="question"
            ref={inputRef}
            rows={2}
            value={question}
            maxLength={2000}
            placeholder="Ask a question, e.g. Which states lose the most forest by 2070?"
            onChange={(e) => setQuestion(e.target.value)}
            onKeyDown={onKeyDown}
          />
          {busy ? (
            <button type="button" onClick={() => abortRef.current?.abort()}>
              Stop
            </button>
          ) : (
            <button type="submit" className="primary" disabled={!question.trim()}>
              Ask
            </button>
          )}
        </form>
      </section>
    </div>
  );
}
