import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, getJson } from '../../api.ts';
import { setParams } from '../../router.ts';
import { forgetThread, renameThread, threadNames } from '../../threads.ts';

interface ThreadSummary {
  threadId: string;
  updatedAt: string;
  messageCount: number;
  lastQuestion: string;
}

/** The conversations of this visitor: open, new, rename (kept in this browser), delete. */
export function ThreadList({ current, onNew }: { current: string | null; onNew: () => void }) {
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
