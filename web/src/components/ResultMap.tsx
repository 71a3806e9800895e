import { useMemo } from 'react';
import type { Table } from '../api.ts';
import { label as words } from '../format.ts';
import { Choropleth, Legend, makeScale, type MapValue } from './Choropleth.tsx';
import { STATE_FIPS } from './geo.ts';
import type { Shape } from './chart-shape.ts';

/** A result table with state codes or county FIPS drawn as a choropleth (loaded with the map shapes). */
export default function ResultMap({
  table,
  shape,
  measure,
}: {
  table: Table;
  shape: Shape;
  measure: string;
}) {
  const geo = shape.geo!;
  const values = useMemo<MapValue[]>(
    () =>
      table.rows.flatMap((r) => {
        const code = String(r[geo.column]);
        const id = geo.level === 'state' ? STATE_FIPS[code] : code;
        if (!id) return [];
        const v = r[measure];
        const name =
          geo.level === 'state'
            ? String((r.state_name as string | undefined) ?? code)
            : `${String((r.county_name as string | undefined) ?? (r.name as string | undefined) ?? code)}${typeof r.state === 'string' ? `, ${r.state}` : ''}`;
        return [{ id, name, value: typeof v === 'number' ? v : null }];
      }),
    [table, geo, measure],
  );
  const diverging = values.some((v) => (v.value ?? 0) < 0);
  const scale = useMemo(
    () =>
      makeScale(
        values.flatMap((v) => (v.value === null ? [] : [v.value])),
        diverging,
      ),
    [values, diverging],
  );
  const unit = /pct|percent/.test(measure) ? 'percent' : 'acres';
  return (
    <div>
      <Choropleth
        level={geo.level}
        values={values}
        scale={scale}
        label={words(measure)}
        unit={unit}
      />
      <Legend
        scale={scale}
        label={words(measure)}
        unit={unit}
        noData={
          geo.level === 'county' || values.length < Object.keys(STATE_FIPS).length
            ? 'not in this table'
            : undefined
        }
      />
    </div>
  );
}
