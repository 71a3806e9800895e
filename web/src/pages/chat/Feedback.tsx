import { useState } from 'react';
import { postJson } from '../../api.ts';
import type { Turn } from '../../threads.ts';

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

/** Thumbs up or down on an answer, with an optional comment (POST /api/feedback). */
export function Feedback({ turn, onRated }: { turn: Turn; onRated: (r: 'up' | 'down') => void }) {
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
