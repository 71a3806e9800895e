import type * as PlotNs from '@observablehq/plot';
import { useEffect, useRef, useState } from 'react';
import type { Row, Table } from '../api.ts';
import { formatCompact, label as words } from '../format.ts';
import { mainMeasure, type ChartKind, type Shape } from './chart-shape.ts';

type PlotModule = typeof PlotNs;
let plotModule: Promise<PlotModule> | null = null;
/** Observable Plot (with the d3 it uses) loads the first time a chart is drawn. */
export const loadPlot = () => (plotModule ??= import('@observablehq/plot'));

/** The width of an element, followed as it resizes. */
export function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(640);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(
      ([entry]) => entry && setWidth(Math.max(280, Math.floor(entry.contentRect.width))),
    );
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

/** Draws an Observable Plot figure made by `make` into a div, redrawn when `deps` change. */
export function PlotFigure({
  make,
  deps,
  label,
}: {
  make: (Plot: PlotModule, width: number) => (HTMLElement | SVGSVGElement) | null;
  deps: unknown[];
  label: string;
}) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let observer: MutationObserver | null = null;
    const el = ref.current;
    loadPlot()
      .then((Plot) => {
        if (!live || !el) return;
        const fig = make(Plot, width);
        el.replaceChildren(...(fig ? [fig] : []));
        // Each drawing is one image to assistive technology: Plot's own labels on its groups
        // (including the tips it adds on hover) go.
        const quiet = () =>
          el.querySelectorAll('svg').forEach((svg, i) => {
            if (svg.getAttribute('role') !== 'img') {
              svg.setAttribute('role', 'img');
              svg.setAttribute('aria-label', i === 0 ? label : `${label} (legend)`);
            }
            svg.querySelectorAll('[aria-label], [aria-description]').forEach((g) => {
              g.removeAttribute('aria-label');
              g.removeAttribute('aria-description');
            });
          });
        quiet();
        observer?.disconnect();
        observer = new MutationObserver(quiet);
        observer.observe(el, { childList: true, subtree: true });
      })
      .catch((e: unknown) => setError(String(e)));
    return () => {
      live = false;
      observer?.disconnect();
    };
  }, [width, ...deps]);
  return (
    <>
      <div ref={ref} className="plot" />
      {error && <p className="error">The chart could not be drawn: {error}</p>}
    </>
  );
}

/** Long table rows (series x year) from a wide one (year, crop, pasture, ...). */
function longRows(t: Table, s: Shape): { x: unknown; series: string; value: number }[] {
  const seriesLabel =
    s.label && s.label !== 'year' && new Set(t.rows.map((r) => r[s.label!])).size > 1
      ? s.label
      : null;
  const out: { x: unknown; series: string; value: number }[] = [];
  for (const r of t.rows) {
    for (const m of s.measures) {
      const v = r[m];
      if (typeof v !== 'number') continue;
      const parts = [
        seriesLabel ? String(r[seriesLabel] as string) : '',
        s.measures.length > 1 ? words(m) : '',
      ].filter(Boolean);
      out.push({ x: r.year, series: parts.join(' · ') || words(m), value: v });
    }
  }
  return out;
}

/** A chart of a result table, of the kind chosen from its shape (bars, lines, grouped bars). */
export function TableChart({
  table,
  shape,
  kind,
}: {
  table: Table;
  shape: Shape;
  kind: ChartKind;
}) {
  const measure = mainMeasure(shape);
  const title = `${kind === 'line' ? 'Line' : 'Bar'} chart: ${table.title}`;
  return (
    <PlotFigure
      label={title}
      deps={[table, kind]}
      make={(Plot, width) => {
        const tickFormat = (d: number) => formatCompact(d);
        if (kind === 'line') {
          const data = longRows(table, shape);
          const series = new Set(data.map((d) => d.series)).size;
          return Plot.plot({
            width,
            height: 300,
            marginLeft: 60,
            x: { label: 'year', tickFormat: (d: number) => String(d) },
            y: {
              label: shape.measures.length === 1 ? words(shape.measures[0]!) : 'acres',
              tickFormat,
              grid: true,
            },
            color: series > 1 ? { legend: true } : undefined,
            marks: [
              Plot.lineY(data, {
                x: 'x',
                y: 'value',
                stroke: series > 1 ? 'series' : 'currentColor',
                strokeWidth: 2,
              }),
              Plot.dot(data, {
                x: 'x',
                y: 'value',
                fill: series > 1 ? 'series' : 'currentColor',
                r: 2.5,
                tip: true,
              }),
            ],
          });
        }
        if (!measure || !shape.label) return null;
        const rows: Row[] = table.rows.filter((r) => typeof r[measure] === 'number').slice(0, 40);
        const name = shape.label;
        if (kind === 'grouped' && shape.group) {
          return Plot.plot({
            width,
            marginLeft: 120,
            x: { label: words(measure), tickFormat, grid: true },
            y: { label: null, axis: null },
            fy: { label: null },
            color: { legend: true },
            marks: [
              Plot.barX(rows, {
                fy: name,
                y: shape.group,
                x: measure,
                fill: shape.group,
                tip: true,
              }),
              Plot.ruleX([0]),
            ],
          });
        }
        return Plot.plot({
          width,
          height: Math.max(120, rows.length * 22 + 40),
          marginLeft: Math.min(
            180,
            10 + 7 * Math.max(...rows.map((r) => String(r[name] as string).length)),
          ),
          x: { label: words(measure), tickFormat, grid: true },
          y: { label: null },
          marks: [
            Plot.barX(rows, {
              y: name,
              x: measure,
              fill: 'var(--accent)',
              sort: { y: '-x' },
              tip: true,
            }),
            Plot.ruleX([0]),
          ],
        });
      }}
    />
  );
}
