import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, getJson, withQuery } from '../api.ts';
import { download, formatNumber } from '../format.ts';
import { setParams, useLocation } from '../router.ts';

const SCENARIOS = ['OVERALL', 'LM', 'HM', 'HL', 'HH'];
const USES = ['crop', 'pasture', 'rangeland', 'forest', 'urban'];
const PERIODS = ['2012-2020', '2020-2030', '2030-2040', '2040-2050', '2050-2060', '2060-2070'];
const FORMATS: Record<string, string> = {
  csv: 'CSV',
  json: 'JSON',
  ndjson: 'NDJSON (one JSON object a line)',
  xlsx: 'Excel (.xlsx)',
  parquet: 'Parquet',
};

const listOf = (v: string | null) => (v ? v.split(',').filter(Boolean) : []);

/** Checkboxes over a list, kept in one URL parameter (comma-separated). */
function Checks({
  legend,
  name,
  options,
  chosen,
}: {
  legend: string;
  name: string;
  options: string[];
  chosen: string[];
}) {
  return (
    <fieldset className="checks">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o}>
          <input
            type="checkbox"
            checked={chosen.includes(o)}
            onChange={(e) =>
              setParams({
                [name]: (e.target.checked ? [...chosen, o] : chosen.filter((x) => x !== o)).join(
                  ',',
                ),
              })
            }
          />{' '}
          {o}
        </label>
      ))}
      <span className="muted small">{chosen.length === 0 ? 'none ticked: all' : ''}</span>
    </fieldset>
  );
}

export default function ExportPage() {
  const { params } = useLocation();
  const format = params.get('format') ?? 'csv';
  const level = params.get('level') ?? 'county';
  const states = params.get('states') ?? '';
  const scenarios = listOf(params.get('scenarios'));
  const periods = listOf(params.get('periods'));
  const uses = listOf(params.get('land_use'));
  const [state, setState] = useState<{ busy: boolean; error?: string; done?: string }>({
    busy: false,
  });

  const url = withQuery('/api/export', {
    format,
    level,
    states: states.replace(/\s+/g, ''),
    scenarios: scenarios.join(','),
    year_range: periods.join(','),
    land_use: uses.join(','),
  });

  // The rows the file will hold, counted by the server before anything is downloaded.
  const countUrl = url.replace('/api/export?', '/api/export/count?');
  const count = useQuery({
    queryKey: ['export-count', countUrl],
    queryFn: () => getJson<{ rows: number }>(countUrl),
    staleTime: 300_000,
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setState({ busy: true });
    try {
      const res = await fetch(url, { credentials: 'same-origin' });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as {
          error?: { code: string; message: string };
        } | null;
        throw new ApiError(
          res.status,
          body?.error?.code ?? `http:${res.status}`,
          body?.error?.message ?? res.statusText,
        );
      }
      const blob = await res.blob();
      const name =
        /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ??
        `landuse.${format}`;
      let rows = '';
      if (format === 'csv' || format === 'ndjson') {
        const text = await blob.text();
        const lines = text.split('\n').filter(Boolean).length - (format === 'csv' ? 1 : 0);
        rows = `${formatNumber(lines)} rows, `;
      }
      download(name, blob);
      setState({ busy: false, done: `${name}: ${rows}${formatNumber(blob.size / 1024, 0)} KB` });
    } catch (err) {
      setState({ busy: false, error: err instanceof Error ? err.message : String(err) });
    }
  };

  return (
    <div className="page export">
      <h1>Export the data</h1>
      <p className="muted">
        Land use transitions per county (or summed per state), for the scenarios, periods, states
        and uses you choose. Every file made from demo data says so in its name.
      </p>
      <form onSubmit={(e) => void submit(e)} className="export-form">
        <label className="field">
          States or regions (names or codes, comma-separated; empty for all)
          <input
            type="text"
            value={states}
            placeholder="e.g. TX,OK or South"
            onChange={(e) => setParams({ states: e.target.value })}
          />
        </label>
        <Checks legend="Scenarios" name="scenarios" options={SCENARIOS} chosen={scenarios} />
        <Checks legend="Periods" name="periods" options={PERIODS} chosen={periods} />
        <Checks
          legend="Land uses (moving from or to)"
          name="land_use"
          options={USES}
          chosen={uses}
        />
        <fieldset className="checks">
          <legend>Level</legend>
          {['county', 'state'].map((l) => (
            <label key={l}>
              <input
                type="radio"
                name="level"
                value={l}
                checked={level === l}
                onChange={() => setParams({ level: l === 'county' ? null : l })}
              />{' '}
              one row per {l}
            </label>
          ))}
        </fieldset>
        <label className="field">
          Format
          <select
            value={format}
            onChange={(e) =>
              setParams({ format: e.target.value === 'csv' ? null : e.target.value })
            }
          >
            {Object.entries(FORMATS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <p className="small">
          API address of this file: <code>{url}</code>
        </p>
        <p className="count" aria-live="polite">
          {count.data
            ? `${formatNumber(count.data.rows)} rows with these filters.`
            : count.error
              ? `These filters are refused: ${count.error.message}`
              : 'Counting rows…'}
        </p>
        <div className="row">
          <button type="submit" className="primary" disabled={state.busy || count.data?.rows === 0}>
            {state.busy ? 'Preparing…' : 'Download'}
          </button>
        </div>
        <div role="status">{state.done && <p>Downloaded {state.done}.</p>}</div>
        {state.error && (
          <p className="error" role="alert">
            {state.error}
          </p>
        )}
      </form>
    </div>
  );
}
