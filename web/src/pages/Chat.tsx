import { useQueryClient } from '@tanstack/react-query';
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import { ApiError, getJson, streamChat, type ChatEvent } from '../api.ts';
import { setParams, useLocation } from '../router.ts';
import {
  renameThread,
  savedTurns,
  saveTurns,
  threadNames,
  turnsFromMessages,
  type Turn,
} from '../threads.ts';
import { applyEvent } from './chat/events.ts';
import { ThreadList } from './chat/ThreadList.tsx';
import { TurnView } from './chat/TurnView.tsx';

const EXAMPLES = [
  'Which states have the most urban expansion?',
  'How much forest does Georgia lose by 2070 under each scenario?',
  'Where does new urban land come from?',
  'Compare cropland loss in Iowa and Illinois',
  'Which counties in Texas gain the most urban land?',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The chat: the thread list, the conversation (streamed answers) and the question box. */
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
  const composerRef = useRef<HTMLFormElement>(null);

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
        if (e.type !== 'final') {
          update(id, (t) => applyEvent(t, e));
          return;
        }
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
          sources: r.sources,
          tools: r.toolCalls.length > 0 ? r.toolCalls.map((c) => ({ ...c, ok: true })) : t.tools,
          result: {
            threadId: r.threadId,
            provider: r.provider,
            dataset: r.dataset,
            timings: r.timings,
          },
        }));
        setParams({ thread: r.threadId }, !params.get('thread'));
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

  // What scrolls into view (the newest turn, a focused button) stops above the sticky question
  // box, not behind it: the page's scroll padding follows the box's height.
  useEffect(() => {
    const composer = composerRef.current;
    if (!composer) return;
    const root = document.documentElement;
    const pad = () => (root.style.scrollPaddingBottom = `${composer.offsetHeight + 8}px`);
    pad();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(pad);
    observer?.observe(composer);
    return () => {
      observer?.disconnect();
      root.style.scrollPaddingBottom = '';
    };
  }, []);

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
        <form className="composer" ref={composerRef} onSubmit={submit}>
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
