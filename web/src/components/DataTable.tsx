import { useMemo, useState } from 'react';
import type { Row } from '../api.ts';
import { download, formatCell, label, slug, toCsv } from '../format.ts';

interface Props {
  title: string;
  columns: string[];
  rows: Row[];
  /** Rows shown per page (all when omitted). */
  pageSize?: number;
  /** Caption hidden visually (the title is shown elsewhere). */
  hideCaption?: boolean;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  return text(a).localeCompare(text(b), 'en', { numeric: true });
}

/** A result table: sortable by any column (click or Enter on its header), downloadable as CSV, paged when long. */
export function DataTable({ title, columns, rows, pageSize, hideCaption }: Props) {
  const [sort, setSort] = useState<{ column: string; dir: 1 | -1 } | null>(null);
  const [page, setPage] = useState(0);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    return [...rows].sort((a, b) => sort.dir * compare(a[sort.column], b[sort.column]));
  }, [rows, sort]);
  const pages = pageSize ? Math.max(1, Math.ceil(sorted.length / pageSize)) : 1;
  const shown = pageSize ? sorted.slice(page * pageSize, (page + 1) * pageSize) : sorted;
  const numeric = useMemo(
    () => new Set(columns.filter((c) => rows.some((r) => typeof r[c] === 'number'))),
    [columns, rows],
  );
  const toggle = (column: string) =>
    setSort((s) =>
      s?.column === column
        ? { column, dir: s.dir === 1 ? -1 : 1 }
        : { column, dir: numeric.has(column) ? -1 : 1 },
    );

  return (
    <div className="data-table">
      <div className="table-scroll" tabIndex={0} role="region" aria-label={`Table: ${title}`}>
        <table>
          <caption className={hideCaption ? 'visually-hidden' : undefined}>{title}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th
                  key={c}
                  scope="col"
                  className={numeric.has(c) ? 'num' : undefined}
                  aria-sort={
                    sort?.column === c ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'
                  }
                >
                  <button type="button" className="sort" onClick={() => toggle(c)}>
                    {label(c)}
                    <span aria-hidden="true">
                      {sort?.column === c ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c} className={numeric.has(c) ? 'num' : undefined}>
                    {formatCell(r[c], c)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="row table-foot">
        <span className="muted">
          {rows.length.toLocaleString('en-US')} row{rows.length === 1 ? '' : 's'}
        </span>
        {pages > 1 && (
          <span className="row" role="group" aria-label="Pages">
            <button
              type="button"
              onClick={() => setPage((p) => Math.max(0, p - 1))}
              disabled={page === 0}
            >
              Previous
            </button>
            <span>
              Page {page + 1} of {pages}
            </span>
            <button
              type="button"
              onClick={() => setPage((p) => Math.min(pages - 1, p + 1))}
              disabled={page >= pages - 1}
            >
              Next
            </button>
          </span>
        )}
        <button
          type="button"
          className="link"
          aria-label={`Download CSV: ${title}`}
          onClick={() => download(`${slug(title)}.csv`, toCsv(columns, sorted))}
        >
          Download CSV
        </button>
      </div>
    </div>
  );
}
