import { lazy, Suspense, useMemo, useState } from 'react';
import type { Table } from '../api.ts';
import { DataTable } from './DataTable.tsx';
import { mainMeasure, shapeOf, type ChartKind } from './chart-shape.ts';
import { TableChart } from './PlotChart.tsx';

const ResultMap = lazy(() => import('./ResultMap.tsx'));

const KIND_LABEL: Record<ChartKind, string> = {
  bar: 'Bars',
  line: 'Lines',
  grouped: 'Grouped bars',
  map: 'Map',
  table: 'Table only',
};

/** One result table of an answer: a chart chosen from its shape (with a switch), then the table. */
export function ResultBlock({ table, index }: { table: Table; index: string }) {
  const shape = useMemo(() => shapeOf(table), [table]);
  const [kind, setKind] = useState<ChartKind>(shape.best);
  const isFigures = table.title.startsWith('Key figures');
  const measure = mainMeasure(shape);
  return (
    <section className={`result ${isFigures ? 'figures' : ''}`} aria-label={table.title}>
      <div className="row result-head">
        <h3>{table.title}</h3>
        {shape.kinds.length > 1 && (
          <label className="chart-switch">
            <span className="visually-hidden">Chart for {table.title}</span>
            <select
              value={kind}
              onChange={(e) => setKind(e.target.value as ChartKind)}
              id={`chart-${index}`}
            >
              {shape.kinds.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABEL[k]}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {kind !== 'table' && kind !== 'map' && <TableChart table={table} shape={shape} kind={kind} />}
      {kind === 'map' && measure && (
        <Suspense fallback={<p className="muted">Loading the map…</p>}>
          <ResultMap table={table} shape={shape} measure={measure} />
        </Suspense>
      )}
      <DataTable
        title={table.title}
        columns={table.columns}
        rows={table.rows}
        pageSize={25}
        hideCaption
      />
    </section>
  );
}
