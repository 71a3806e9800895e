import { useState } from 'react';
import { ResultBlock } from '../../components/ResultBlock.tsx';
import { formatNumber } from '../../format.ts';
import { Markdown } from '../../markdown.tsx';
import type { Turn } from '../../threads.ts';
import type { Source } from '../../api.ts';
import { Feedback } from './Feedback.tsx';
import { ToolCard } from './ToolCard.tsx';

/**
 * One question and its answer: tool cards, the streamed text, errors with a retry, the tables
 * (with their charts), copy / regenerate / feedback, and follow-up chips.
 */
export function TurnView({
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
        {turn.sources && turn.sources.length > 0 && <Sources sources={turn.sources} />}
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

/** The documents an answer quotes, each a link to its section on the server's /knowledge pages. */
function Sources({ sources }: { sources: Source[] }) {
  const served = sources.filter((s) => s.ref.startsWith('/knowledge/'));
  if (served.length === 0) return null;
  return (
    <nav className="sources" aria-label="Sources">
      <span className="muted small">Sources</span>
      <ol>
        {served.map((s) => (
          <li key={s.ref}>
            <a href={s.ref} target="_blank" rel="noopener">
              {s.title}: {s.section}
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
