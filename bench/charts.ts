/**
 * SVG charts for the performance report, drawn by Observable Plot in Node: linkedom supplies the
 * document Plot draws into, so no browser is needed. Each chart is a self-contained SVG file.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

/** The little of a DOM element the charts use (the project's types carry no DOM library). */
interface SvgNode {
  tagName: string;
  setAttribute(name: string, value: string): void;
  outerHTML: string;
}

const window = parseHTML('<!DOCTYPE html><html><body></body></html>') as { document: unknown };
const document: unknown = window.document;

/** Plot's options with the report's look: a white background and readable type. */
function draw(options: Plot.PlotOptions): string {
  const node = Plot.plot({
    document: document as never,
    width: 720,
    marginLeft: 60,
    style: { background: 'white', color: '#222', fontSize: '12px' },
    ...options,
  }) as unknown as SvgNode;
  // The charts carry no legend (series are named in the labels), so Plot returns a bare svg.
  const svg = node;
  if (svg.tagName.toLowerCase() !== 'svg') throw new Error('Plot drew a figure, not an SVG');
  svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg.outerHTML}\n`;
}

export interface Bar {
  label: string;
  value: number;
  series?: string;
}

/** Horizontal bars, one per label (grouped by colour when rows carry a series), with a target rule. */
export function barChart(
  rows: Bar[],
  opts: { x: string; title?: string; target?: number; log?: boolean },
): string {
  const series = rows.some((r) => r.series !== undefined);
  const name = (d: Bar) => (d.series === undefined ? d.label : `${d.label} · ${d.series}`);
  return draw({
    marginLeft: Math.min(300, 12 + 7 * Math.max(...rows.map((r) => name(r).length))),
    height: 50 + rows.length * 20,
    x: { label: opts.x, grid: true, type: opts.log ? 'log' : 'linear' },
    y: { label: null },
    ...(series ? { color: { scheme: 'tableau10' } } : {}),
    marks: [
      Plot.barX(rows, {
        x: 'value',
        y: name,
        fill: series ? 'series' : '#4e79a7',
        sort: null,
      }),
      ...(opts.target !== undefined
        ? [Plot.ruleX([opts.target], { stroke: '#e15759', strokeDasharray: '4,3' })]
        : []),
      Plot.ruleX([opts.log ? 1e-9 : 0]),
    ],
  });
}

export interface Point {
  x: number;
  y: number;
  series: string;
}

/** Lines with dots, one per series, over a numeric x (e.g. latency percentiles by user count). */
export function lineChart(
  points: Point[],
  opts: { x: string; y: string; target?: number; log?: boolean },
): string {
  return draw({
    height: 320,
    x: { label: opts.x, ticks: [...new Set(points.map((p) => p.x))] },
    y: { label: opts.y, grid: true, type: opts.log ? 'log' : 'linear', zero: !opts.log },
    marginRight: 80,
    color: { scheme: 'tableau10' },
    marks: [
      Plot.line(points, { x: 'x', y: 'y', stroke: 'series' }),
      Plot.dot(points, { x: 'x', y: 'y', fill: 'series' }),
      // Each line named at its last point instead of a legend.
      Plot.text(
        points,
        Plot.selectLast({
          x: 'x',
          y: 'y',
          z: 'series',
          text: 'series',
          fill: 'series',
          textAnchor: 'start',
          dx: 6,
        }),
      ),
      ...(opts.target !== undefined
        ? [Plot.ruleY([opts.target], { stroke: '#e15759', strokeDasharray: '4,3' })]
        : []),
    ],
  });
}
