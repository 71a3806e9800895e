import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import { getJson, withQuery } from '../../api.ts';
import {
  Choropleth,
  COUNTY_COUNT,
  Legend,
  makeScale,
  type MapValue,
} from '../../components/Choropleth.tsx';
import { setParams } from '../../router.ts';
import { MAP_METRICS, SCENARIOS } from './options.ts';
import { Loading, Section } from './parts.tsx';

/** GET /api/analytics/map: one value per county. */
interface MapResult {
  title: string;
  label: string;
  unit: string;
  values: { fips: string; name: string; state: string; value: number | null }[];
}

/**
 * The county choropleth of a metric, or two scenarios side by side on one shared scale; a
 * click on a county opens its detail (the `county` parameter).
 */
export function CountyMap({
  metric,
  scenario,
  compare,
  period,
  states,
  county,
}: {
  metric: string;
  scenario: string;
  compare: string;
  period: string;
  states: string;
  county: string | null;
}) {
  const maps = useQueries({
    queries: [scenario, ...(compare ? [compare] : [])].map((s) => ({
      queryKey: ['map', metric, s, period, states],
      queryFn: () =>
        getJson<MapResult>(
          withQuery('/api/analytics/map', { metric, scenario: s, year_range: period, states }),
        ),
    })),
  });
  const mapValues = maps.map((m) =>
    (m.data?.values ?? []).map<MapValue>((v) => ({
      id: v.fips,
      value: v.value,
      name: `${v.name}, ${v.state}`,
    })),
  );
  const diverging = metric.endsWith('_pct') || metric === 'forest_net';
  // One scale over both maps, so the twins compare.
  const scale = useMemo(
    () =>
      makeScale(
        mapValues.flat().flatMap((v) => (v.value === null ? [] : [v.value])),
        diverging,
      ),
    [maps.map((m) => m.dataUpdatedAt).join(','), diverging],
  );
  const mapsReady = maps.every((m) => m.data);
  const unit = maps[0]?.data?.unit ?? (metric.endsWith('_pct') ? 'percent' : 'acres');

  return (
    <Section title="County map" id="map-title">
      <div className="row">
        <label className="field">
          Map metric
          <select
            value={metric}
            onChange={(e) =>
              setParams({ metric: e.target.value === 'urban_expansion' ? null : e.target.value })
            }
          >
            {Object.entries(MAP_METRICS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Compare with
          <select value={compare} onChange={(e) => setParams({ compare: e.target.value })}>
            <option value="">(one map)</option>
            {SCENARIOS.filter((s) => s.code !== scenario).map((s) => (
              <option key={s.code} value={s.code}>
                {s.code} side by side
              </option>
            ))}
          </select>
        </label>
      </div>
      {mapsReady ? (
        <>
          <Legend
            scale={scale}
            label={maps[0]!.data!.label}
            unit={unit === 'percent' ? 'percent' : unit}
            noData={
              mapValues.some((vs) => vs.filter((v) => v.value !== null).length < COUNTY_COUNT)
                ? 'no data'
                : undefined
            }
          />
          <div className={compare ? 'twin-maps' : undefined}>
            {maps.map((m, i) => (
              <figure key={i} className="map-figure">
                {compare && <figcaption>{i === 0 ? scenario : compare}</figcaption>}
                <Choropleth
                  level="county"
                  values={mapValues[i]!}
                  scale={scale}
                  label={m.data!.title}
                  unit={unit}
                  selected={county}
                  onSelect={(id) => setParams({ county: id })}
                />
              </figure>
            ))}
          </div>
          <p className="muted small">
            Hover a county for its value; click it for its own charts. Grey: no value in this
            selection. Alaska and Hawaii are not part of the projections.
          </p>
        </>
      ) : (
        <Loading error={maps.find((m) => m.error)?.error} what="the map" />
      )}
    </Section>
  );
}
