import { useQuery } from '@tanstack/react-query';
import { getJson, withQuery, type Table } from '../../api.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { setParams } from '../../router.ts';
import { ChartOf, Loading, Section } from './parts.tsx';

/** One county's own charts and table (GET /api/analytics/county/{fips}), opened from the map. */
export function CountyDetail({ fips, scenario }: { fips: string; scenario: string }) {
  const q = useQuery({
    queryKey: ['county', fips, scenario],
    queryFn: () => getJson<Table>(withQuery(`/api/analytics/county/${fips}`, { scenario })),
  });
  return (
    <Section title={q.data?.title ?? `County ${fips}`} id="county-detail">
      <button type="button" className="link" onClick={() => setParams({ county: null })}>
        Close county detail
      </button>
      {q.data ? (
        <>
          <ChartOf table={q.data} kind="line" />
          <DataTable title={q.data.title} columns={q.data.columns} rows={q.data.rows} hideCaption />
        </>
      ) : (
        <Loading error={q.error} what="the county" />
      )}
    </Section>
  );
}
