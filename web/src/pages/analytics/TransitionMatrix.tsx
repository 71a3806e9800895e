import { useMemo } from 'react';
import type { Row } from '../../api.ts';
import { formatCompact } from '../../format.ts';
import { LAND_USES } from './options.ts';

/** Acres moving from each use (rows) to each other use (columns), shaded by size. */
export function TransitionMatrix({ rows }: { rows: Row[] }) {
  const matrix = useMemo(
    () =>
      LAND_USES.map<Row>((from) => ({
        from,
        ...Object.fromEntries(
          LAND_USES.map((to) => [
            to,
            from === to
              ? null
              : (rows.find((r) => r.from_use === from && r.to_use === to)?.acres ?? 0),
          ]),
        ),
      })),
    [rows],
  );
  const matrixMax = Math.max(
    1,
    ...matrix.flatMap((r) => Object.values(r).filter((v): v is number => typeof v === 'number')),
  );
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Transition matrix">
      <table className="matrix">
        <caption className="visually-hidden">
          Acres moving from each use (rows) to each other use (columns)
        </caption>
        <thead>
          <tr>
            <th scope="col">from \ to</th>
            {LAND_USES.map((u) => (
              <th key={u} scope="col" className="num">
                {u}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((r) => (
            <tr key={String(r.from)}>
              <th scope="row">{String(r.from)}</th>
              {LAND_USES.map((u) => {
                const v = r[u] as number | null;
                return (
                  <td
                    key={u}
                    className="num"
                    style={
                      v
                        ? {
                            background: `color-mix(in srgb, var(--accent) ${Math.round((v / matrixMax) * 45)}%, transparent)`,
                          }
                        : undefined
                    }
                  >
                    {v === null ? '—' : formatCompact(v)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
