import { formatCompact, formatNumber } from '../../format.ts';
import { Loading } from './parts.tsx';

/** GET /api/analytics/overview: the headline figures and each land use's start and end. */
export interface Overview {
  title: string;
  years: { start: number; end: number };
  figures: Record<string, number>;
  land_use: {
    land_use: string;
    acres_start: number;
    acres_end: number;
    change: number;
    change_pct: number;
  }[];
}

function Kpi({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="card kpi">
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {detail && <div className="muted small">{detail}</div>}
    </div>
  );
}

/** The KPI cards: urban expansion, forest and agricultural change, each use's area. */
export function KeyFigures({ data, error }: { data: Overview | undefined; error: unknown }) {
  const f = data?.figures;
  const years = data?.years;
  return (
    <section aria-label="Key figures" className="kpis">
      {data && f ? (
        <>
          <Kpi
            label={`Urban expansion ${years?.start}-${years?.end}`}
            value={`${formatCompact(f.urban_expansion_acres ?? 0)} acres`}
            detail={`${formatNumber(f.urban_from_forest_pct ?? 0, 1)} % from forest`}
          />
          <Kpi
            label="Forest net change"
            value={`${formatCompact(f.forest_net_acres ?? 0)} acres`}
            detail={`${formatNumber(f.forest_net_change_pct ?? 0, 2)} %`}
          />
          <Kpi
            label="Agricultural net change"
            value={`${formatCompact(f.agriculture_net_acres ?? 0)} acres`}
            detail={`${formatNumber(f.agriculture_net_change_pct ?? 0, 2)} %`}
          />
          {data.land_use.map((u) => (
            <Kpi
              key={u.land_use}
              label={`${u.land_use[0]!.toUpperCase()}${u.land_use.slice(1)} area`}
              value={`${formatCompact(u.acres_start)} → ${formatCompact(u.acres_end)}`}
              detail={`${years?.start} → ${years?.end}: ${u.change_pct > 0 ? '+' : ''}${formatNumber(u.change_pct, 2)} %`}
            />
          ))}
        </>
      ) : (
        <Loading error={error} what="the key figures" />
      )}
    </section>
  );
}
