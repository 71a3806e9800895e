import { useMemo, type ReactNode } from 'react';
import type { Table } from '../../api.ts';
import { shapeOf } from '../../components/chart-shape.ts';
import { TableChart } from '../../components/PlotChart.tsx';

/** A titled card of the analytics page. */
export function Section({
  title,
  children,
  id,
}: {
  title: string;
  children: ReactNode;
  id: string;
}) {
  return (
    <section className="card panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** What stands in for a panel while its data loads, or the reason it could not. */
export function Loading({ error, what }: { error: unknown; what: string }) {
  if (error)
    return (
      <p className="error">{`${what} could not be loaded: ${error instanceof Error ? error.message : 'unknown error'}`}</p>
    );
  return <p className="muted">Loading {what}…</p>;
}

/** A table drawn as bars or lines, its shape read from its columns. */
export function ChartOf({ table, kind }: { table: Table; kind: 'bar' | 'line' }) {
  const shape = useMemo(() => shapeOf(table), [table]);
  return <TableChart table={table} shape={shape} kind={kind} />;
}
