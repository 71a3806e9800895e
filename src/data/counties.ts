import { createRequire } from 'node:module';
import { geoArea } from 'd3-geo';
import { feature, neighbors } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { stateByFips, type State } from '../domain/index.ts';

/** A conterminous US county as the us-atlas package draws it. */
export interface County {
  /** Five-digit FIPS code. */
  readonly fips: string;
  readonly name: string;
  readonly state: State;
  /** Total area of the county's geometry in acres (land and inland water). */
  readonly areaAcres: number;
  /** Indexes (into the same list) of the counties that share a border with this one. */
  readonly neighbors: readonly number[];
}

const EARTH_RADIUS_M = 6_371_008.8;
const SQUARE_METRES_PER_ACRE = 4_046.856_422_4;

let cached: readonly County[] | undefined;

/**
 * The conterminous counties (48 states and DC) of us-atlas's counties-10m, sorted by FIPS,
 * with their area computed on the sphere from the geometry. Read once per process.
 */
export function conterminousCounties(): readonly County[] {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const topology = require('us-atlas/counties-10m.json') as Topology<{
    counties: GeometryCollection<{ name: string }>;
  }>;
  const all = topology.objects.counties.geometries;
  const adjacency = neighbors(all);
  const keep = all
    .map((g, i) => ({ g, i, state: stateByFips(String(g.id).slice(0, 2)) }))
    .filter((x): x is typeof x & { state: State } => x.state !== undefined)
    .sort((a, b) => String(a.g.id).localeCompare(String(b.g.id)));
  const newIndex = new Map(keep.map((x, j) => [x.i, j]));
  cached = keep.map(({ g, i, state }) => ({
    fips: String(g.id),
    name: nameOf(g.properties) ?? String(g.id),
    state,
    areaAcres:
      (geoArea(feature(topology, g)) * EARTH_RADIUS_M * EARTH_RADIUS_M) / SQUARE_METRES_PER_ACRE,
    neighbors: (adjacency[i] ?? []).flatMap((n) => {
      const j = newIndex.get(n);
      return j === undefined ? [] : [j];
    }),
  }));
  return cached;
}

function nameOf(properties: unknown): string | undefined {
  if (typeof properties !== 'object' || properties === null || !('name' in properties)) return;
  return typeof properties.name === 'string' ? properties.name : undefined;
}
