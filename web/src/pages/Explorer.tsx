import { useMutation, useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { ApiError, getJson, postJson, type Row } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { download } from '../format.ts';
import { setParams, useLocation } from '../router.ts';

const SqlEditor = lazy(() => import('../components/SqlEditor.tsx'));

interface SchemaInfo {
  dataset: string;
  tables: {
    name: string;
    kind: 'table' | 'view';
    description: string;
    rowCount: number | null;
    columns: { name: string; type: string }[];
  }[];
  examples: { title: string; sql: string }[];
}
interface SqlResult {
  columns: string[];
  rows: Row[];
  truncated: boolean;
  notice: string | null;
  elapsedMs?: number;
}

const DEFAULT_SQL = 'SELECT * FROM dim_scenario';

export default function ExplorerPage() {
  const { params } = useLocation();
  const [text, setText] = useState(() => params.get('sql') ?? DEFAULT_SQL);
  const schema = useQuery({
    queryKey: ['schema'],
    queryFn: () => getJson<SchemaInfo>('/api/schema'),
    staleTime: Infinity,
  });
  const run = useMutation({
    mutationFn: (statement: string) => postJson<SqlResult>('/api/sql', { sql: statement }),
  });
  const completion = useMemo(
    () =>
      Object.fromEntries(
        (schema.data?.tables ?? []).map((t) => [t.name, t.columns.map((c) => c.name)]),
      ),
    [schema.data],
  );
  const execute = (statement = text) => {
    if (!statement.trim()) return;
    setParams({ sql: statement === DEFAULT_SQL ? null : statement });
    run.mutate(statement);
  };
  const error = run.error;

  return (
    <div className="page explorer">
      <h1>SQL explorer</h1>
      <p className="muted">
        One read-only query (SELECT, WITH, VALUES) over the land use tables. Press <kbd>Ctrl</kbd>+
        <kbd>Enter</kbd> to run.
      </p>
      <div className="explorer-grid">
        <div className="explorer-main">
          {schema.data ? (
            <Suspense fallback={<div className="sql-editor muted">Loading the editor…</div>}>
              <SqlEditor
                value={text}
                onChange={setText}
                onRun={() => execute()}
                schema={completion}
              />
            </Suspense>
          ) : (
            <div className="sql-editor muted">Loading the schema…</div>
          )}
          <div className="row">
            <button
              type="button"
              className="primary"
              onClick={() => execute()}
              disabled={run.isPending}
            >
              {run.isPending ? 'Running…' : 'Run'}
            </button>
            {run.data && (
              <button
                type="button"
                onClick={() =>
                  download(
                    'query-result.json',
                    JSON.stringify(run.data.rows, null, 2),
                    'application/json',
                  )
                }
              >
                Download JSON
              </button>
            )}
          </div>
          {error && (
            <div className="error" role="alert">
              <p>
                <strong>
                  {error instanceof ApiError && error.code.startsWith('sql:')
                    ? 'Refused'
                    : 'Failed'}
                </strong>
                {error instanceof ApiError ? ` (${error.code})` : ''}: {error.message}
              </p>
            </div>
          )}
          {run.data && (
            <section aria-label="Query result" className="result">
              {run.data.notice && <p className="notice">{run.data.notice}</p>}
              <DataTable
                title="Query result"
                columns={run.data.columns}
                rows={run.data.rows}
                pageSize={50}
                hideCaption
              />
            </section>
          )}
          {schema.data && (
            <section aria-labelledby="examples-title">
              <h2 id="examples-title">Examples</h2>
              <ul className="examples">
                {schema.data.examples.map((x) => (
                  <li key={x.title}>
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        setText(x.sql);
                        execute(x.sql);
                      }}
                    >
                      {x.title}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
        <aside className="schema" aria-labelledby="schema-title">
          <h2 id="schema-title">Tables and views</h2>
          {schema.isError && <p className="error">The schema could not be loaded.</p>}
          {schema.data?.tables.map((t) => (
            <details key={t.name}>
              <summary>
                <code>{t.name}</code>{' '}
                <span className="muted small">
                  {t.kind}
                  {t.rowCount !== null ? `, ${t.rowCount.toLocaleString('en-US')} rows` : ''}
                </span>
              </summary>
              <p className="small">{t.description}</p>
              <ul className="columns small">
                {t.columns.map((c) => (
                  <li key={c.name}>
                    <button
                      type="button"
                      className="link"
                      title="Insert into the query"
                      onClick={() =>
                        setText(
                          (s) => `${s}${s.endsWith(' ') || s.endsWith('\n') ? '' : ' '}${c.name}`,
                        )
                      }
                    >
                      {c.name}
                    </button>{' '}
                    <span className="muted">{c.type}</span>
                  </li>
                ))}
              </ul>
            </details>
          ))}
        </aside>
      </div>
    </div>
  );
}
