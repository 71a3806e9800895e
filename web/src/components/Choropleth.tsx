import { geoPath, interpolatePuOr, interpolateViridis, scaleDiverging, scaleSequential } from 'd3';
import { memo, useEffect, useMemo, useState, type MouseEvent } from 'react';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import topologyUrl from 'us-atlas/counties-albers-10m.json?url';
import { formatNumber } from '../format.ts';
import { FIPS_STATE } from './geo.ts';

/** The us-atlas topology (already projected to 975 x 610, Alaska and Hawaii as insets), fetched once from this server. */
let topology: Promise<Topology> | null = null;
const loadTopology = () =>
  (topology ??= fetch(topologyUrl).then((r) => {
    if (!r.ok) throw new Error(`map shapes: ${r.status}`);
    return r.json() as Promise<Topology>;
  }));

interface Shapes {
  counties: { id: string; d: string; name: string }[];
  states: { id: string; d: string; name: string }[];
  stateBorders: string;
  nation: string;
  /** The drawing's box (x y width height): the lower 48 and DC, with a small margin. */
  viewBox: string;
}

/** Alaska (02) and Hawaii (15): insets in us-atlas, outside the data (lower 48 and DC). */
const OUTSIDE_DATA = new Set(['02', '15']);
const inData = (g: { id?: string | number }) => !OUTSIDE_DATA.has(String(g.id).slice(0, 2));

let shapes: Promise<Shapes> | null = null;
/** SVG paths for every county and state of the lower 48 and DC, computed once. */
export const loadShapes = () =>
  (shapes ??= loadTopology().then((t) => {
    const path = geoPath();
    const objects = t.objects as Record<string, GeometryCollection>;
    const kept = (name: string): GeometryCollection => ({
      ...objects[name]!,
      geometries: objects[name]!.geometries.filter(inData),
    });
    const states = kept('states');
    const of = (collection: GeometryCollection) =>
      feature(t, collection).features.map((f) => ({
        id: String(f.id),
        d: path(f) ?? '',
        name: String((f.properties as { name?: string } | null)?.name ?? f.id),
      }));
    const [[x0, y0], [x1, y1]] = path.bounds(feature(t, states));
    const pad = 6;
    return {
      counties: of(kept('counties')),
      states: of(states),
      stateBorders: path(mesh(t, states, (a, b) => a !== b)) ?? '',
      // The outline: the states' edges that no other state shares.
      nation: path(mesh(t, states, (a, b) => a === b)) ?? '',
      viewBox: [x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad]
        .map((v) => Math.round(v))
        .join(' '),
    };
  }));

export function useShapes(): Shapes | null {
  const [s, setS] = useState<Shapes | null>(null);
  useEffect(() => {
    let live = true;
    void loadShapes().then((x) => live && setS(x));
    return () => {
      live = false;
    };
  }, []);
  return s;
}

export interface ColorScale {
  color: (v: number) => string;
  domain: [number, number];
  diverging: boolean;
}

/** A colour-blind-safe scale over values: viridis for amounts, purple-orange around 0 for changes. Outliers (beyond the 2nd/98th percentile) are clamped. */
export function makeScale(values: number[], diverging: boolean): ColorScale {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const q = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * (sorted.length - 1))))] ?? 0;
  if (diverging) {
    const m = Math.max(Math.abs(q(0.02)), Math.abs(q(0.98))) || 1;
    const s = scaleDiverging(interpolatePuOr).domain([m, 0, -m]).clamp(true);
    return { color: (v) => s(v), domain: [-m, m], diverging };
  }
  const lo = Math.min(0, q(0.02));
  const hi = q(0.98) || 1;
  const s = scaleSequential(interpolateViridis).domain([lo, hi]).clamp(true);
  return { color: (v) => s(v), domain: [lo, hi], diverging };
}

/** The legend of a colour scale: a gradient bar with its ends and middle, and what grey means. */
export function Legend({
  scale,
  label,
  unit,
  noData,
}: {
  scale: ColorScale;
  label: string;
  unit: string;
  /** What the grey places are ("no data"), when some are grey. */
  noData?: string | undefined;
}) {
  const [lo, hi] = scale.domain;
  const stops = Array.from({ length: 11 }, (_, i) => lo + ((hi - lo) * i) / 10);
  const gradient = `linear-gradient(to right, ${stops.map((v) => scale.color(v)).join(', ')})`;
  const f = (v: number) =>
    `${formatNumber(v, Math.abs(v) < 10 ? 1 : 0)}${unit === 'percent' ? ' %' : ''}`;
  return (
    <figure className="legend" aria-label={`Legend: ${label}`}>
      <figcaption>
        {label} {unit !== 'percent' && unit ? <span className="muted">({unit})</span> : null}
        {noData && <span className="legend-no-data">{noData}</span>}
      </figcaption>
      <div className="legend-bar" style={{ background: gradient }} />
      <div className="legend-ticks">
        <span>{f(lo)}</span>
        <span>{f((lo + hi) / 2)}</span>
        <span>
          {f(hi)}
          {'+'}
        </span>
      </div>
    </figure>
  );
}

/** Counties in the drawing (and in the data): the lower 48 and DC. */
export const COUNTY_COUNT = 3108;

export interface MapValue {
  id: string;
  value: number | null;
  name: string;
}

interface Props {
  level: 'county' | 'state';
  values: MapValue[];
  scale: ColorScale;
  label: string;
  unit: string;
  selected?: string | null;
  onSelect?: (id: string) => void;
}

const Paths = memo(function Paths({
  shapes,
  fill,
}: {
  shapes: { id: string; d: string }[];
  fill: (id: string) => string;
}) {
  return (
    <g className="areas">
      {shapes.map((s) => (
        <path key={s.id} d={s.d} data-id={s.id} fill={fill(s.id)} />
      ))}
    </g>
  );
});

/** A county or state choropleth: hover names the place and its value, click selects it. */
export function Choropleth({ level, values, scale, label, unit, selected, onSelect }: Props) {
  const shapes = useShapes();
  const [hover, setHover] = useState<{ id: string; x: number; y: number } | null>(null);
  const byId = useMemo(() => new Map(values.map((v) => [v.id, v])), [values]);
  const fill = useMemo(
    () => (id: string) => {
      const v = byId.get(id)?.value;
      return v === null || v === undefined ? 'var(--no-data)' : scale.color(v);
    },
    [byId, scale],
  );
  if (!shapes) return <div className="map-frame map-loading">Loading the map…</div>;
  const onMove = (e: MouseEvent<SVGSVGElement>) => {
    const id = (e.target as Element).getAttribute('data-id');
    const box = e.currentTarget.getBoundingClientRect();
    setHover(id ? { id, x: e.clientX - box.left, y: e.clientY - box.top } : null);
  };
  const hovered = hover ? byId.get(hover.id) : undefined;
  const placeName = (id: string) => {
    const shape = (level === 'county' ? shapes.counties : shapes.states).find((s) => s.id === id);
    const state = FIPS_STATE[id.slice(0, 2)];
    return level === 'county' ? `${shape?.name ?? id}, ${state ?? ''}` : (shape?.name ?? id);
  };
  const selectedShape = selected
    ? (level === 'county' ? shapes.counties : shapes.states).find((s) => s.id === selected)
    : undefined;
  const shown = values.filter((v) => v.value !== null).length;
  return (
    <div className="map-frame">
      <svg
        viewBox={shapes.viewBox}
        role="img"
        aria-label={`Map of ${label} by ${level}: ${shown} ${level === 'county' ? 'counties' : 'states'} coloured`}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const id = (e.target as Element).getAttribute('data-id');
          if (id && onSelect) onSelect(id);
        }}
        className={onSelect ? 'clickable' : undefined}
      >
        <Paths shapes={level === 'county' ? shapes.counties : shapes.states} fill={fill} />
        <path d={shapes.stateBorders} className="state-borders" />
        <path d={shapes.nation} className="nation" />
        {selectedShape && <path d={selectedShape.d} className="selected" />}
      </svg>
      {hover && (
        <div className="map-tip" role="tooltip" style={{ left: hover.x, top: hover.y }}>
          <strong>{hovered?.name ?? placeName(hover.id)}</strong>
          <br />
          {hovered?.value === null || hovered?.value === undefined
            ? 'no data'
            : `${formatNumber(hovered.value, Math.abs(hovered.value) < 10 ? 2 : 0)} ${unit === 'percent' ? '%' : unit}`}
        </div>
      )}
    </div>
  );
}
