import { useMemo } from 'react';
import type { Row } from '../../api.ts';
import { formatCompact } from '../../format.ts';
import { LAND_USES } from './options.ts';

/** One colour per use, the same as the charts' (Observable Plot's categorical scheme). */
const USE_COLOR: Record<string, string> = {
  crop: '#4269d0',
  forest: '#efb118',
  pasture: '#ff725c',
  rangeland: '#6cc5b0',
  urban: '#3ca951',
};

const WIDTH = 640;
const HEIGHT = 340;
const LABEL = 130;
const NODE = 12;
const GAP = 10;

interface Node {
  use: string;
  total: number;
  y: number;
  h: number;
  /** The next ribbon's offset inside the node. */
  next: number;
}

/**
 * The transitions as a Sankey: each use on the left sends its land (ribbons, as thick as the
 * acres) to the uses on the right. Hovering a ribbon names it; the matrix beside it has the figures.
 */
export function TransitionSankey({ rows, focus }: { rows: Row[]; focus?: string }) {
  const layout = useMemo(() => {
    const flows = rows
      .map((r) => ({
        from: String(r.from_use),
        to: String(r.to_use),
        acres: typeof r.acres === 'number' ? r.acres : 0,
      }))
      .filter((f) => f.from !== f.to && f.acres > 0 && LAND_USES.includes(f.from));
    const side = (key: 'from' | 'to') => {
      const totals = LAND_USES.map((use) => ({
        use,
        total: flows.filter((f) => f[key] === use).reduce((s, f) => s + f.acres, 0),
      })).filter((n) => n.total > 0);
      return totals;
    };
    const left = side('from');
    const right = side('to');
    const all = flows.reduce((s, f) => s + f.acres, 0);
    const scale = (HEIGHT - GAP * (Math.max(left.length, right.length) - 1)) / (all || 1);
    const place = (ns: { use: string; total: number }[]) => {
      let y = 0;
      return new Map<string, Node>(
        ns.map((n) => {
          const h = Math.max(1, n.total * scale);
          const node = { ...n, y, h, next: y };
          y += h + GAP;
          return [n.use, node];
        }),
      );
    };
    const from = place(left);
    const to = place(right);
    // Big flows first, so each node's ribbons stack from the top in order of size.
    const ribbons = [...flows]
      .sort((a, b) => b.acres - a.acres)
      .map((f) => {
        const a = from.get(f.from)!;
        const b = to.get(f.to)!;
        const h = Math.max(0.5, f.acres * scale);
        const y0 = a.next;
        const y1 = b.next;
        a.next += h;
        b.next += h;
        const x0 = LABEL + NODE;
        const x1 = WIDTH - LABEL - NODE;
        const xm = (x0 + x1) / 2;
        const d = `M${x0},${y0}C${xm},${y0} ${xm},${y1} ${x1},${y1}L${x1},${y1 + h}C${xm},${y1 + h} ${xm},${y0 + h} ${x0},${y0 + h}Z`;
        return { ...f, d };
      });
    return { from: [...from.values()], to: [...to.values()], ribbons };
  }, [rows]);

  if (layout.ribbons.length === 0) return <p className="muted">No land changes use here.</p>;
  const described = layout.ribbons
    .slice(0, 6)
    .map((r) => `${r.from} to ${r.to} ${formatCompact(r.acres)} acres`)
    .join('; ');
  return (
    <svg
      className="sankey"
      viewBox={`0 -6 ${WIDTH} ${HEIGHT + 12}`}
      role="img"
      aria-label={`Sankey of land moving between uses, largest flows: ${described}`}
    >
      <g>
        {layout.ribbons.map((r) => (
          <path
            key={`${r.from}-${r.to}`}
            d={r.d}
            fill={USE_COLOR[r.from] ?? 'currentColor'}
            className={focus && r.to !== focus ? 'ribbon faded' : 'ribbon'}
          >
            <title>{`${r.from} → ${r.to}: ${formatCompact(r.acres)} acres`}</title>
          </path>
        ))}
      </g>
      {layout.from.map((n) => (
        <g key={`from-${n.use}`}>
          <rect x={LABEL} y={n.y} width={NODE} height={n.h} fill={USE_COLOR[n.use]} />
          <text x={LABEL - 6} y={n.y + n.h / 2} dy="0.35em" textAnchor="end">
            {n.use} {formatCompact(n.total)}
          </text>
        </g>
      ))}
      {layout.to.map((n) => (
        <g key={`to-${n.use}`}>
          <rect
            x={WIDTH - LABEL - NODE}
            y={n.y}
            width={NODE}
            height={n.h}
            fill={USE_COLOR[n.use]}
          />
          <text x={WIDTH - LABEL + 6} y={n.y + n.h / 2} dy="0.35em">
            {n.use} {formatCompact(n.total)}
          </text>
        </g>
      ))}
    </svg>
  );
}
