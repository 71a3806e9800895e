import { useState } from 'react';
import { formatNumber } from '../../format.ts';
import type { Turn } from '../../threads.ts';

/** A button that copies `text` and says so for a moment. */
function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="small-button"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

/** A value as a SQL literal: numbers as they are, text quoted, nothing as NULL. */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return `'${text.replace(/'/g, "''")}'`;
}

/** The SQL with its $1, $2 ... placeholders replaced by their values, as one could run it. */
export function withParams(sql: string, params: unknown[] | undefined): string {
  if (!params?.length) return sql;
  return sql.replace(/\$(\d+)\b/g, (whole, n: string) =>
    Number(n) >= 1 && Number(n) <= params.length ? literal(params[Number(n) - 1]) : whole,
  );
}

/** One tool call: name, arguments, rows and time; opened, its arguments and the SQL it ran. */
export function ToolCard({ tool }: { tool: Turn['tools'][number] }) {
  const args = Object.entries(tool.args);
  // The templates' empty lines (left by optional clauses) go.
  const sql = tool.sql
    ? withParams(tool.sql.trim(), tool.params).replace(/\n[ \t]*(?=\n)/g, '')
    : undefined;
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
      <div className="tool-detail">
        <h4>Arguments</h4>
        <pre className="tool-args-json">{JSON.stringify(tool.args, null, 2)}</pre>
        {sql && (
          <>
            <div className="row tool-sql-head">
              <h4>
                SQL{' '}
                {tool.params?.length ? <span className="small">(parameters filled in)</span> : null}
              </h4>
              <CopyButton text={sql} label="Copy SQL" />
            </div>
            <pre className="tool-sql">
              <code>{sql}</code>
            </pre>
          </>
        )}
      </div>
    </details>
  );
}
