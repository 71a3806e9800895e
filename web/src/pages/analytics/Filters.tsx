import { setParams } from '../../router.ts';
import { PERIODS, REGIONS, SCENARIOS } from './options.ts';

/** Scenario, years and region or states: each kept in the URL. */
export function Filters({
  scenario,
  period,
  states,
}: {
  scenario: string;
  period: string;
  states: string;
}) {
  return (
    <form className="filters row" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label className="field">
        Scenario
        <select
          value={scenario}
          onChange={(e) =>
            setParams({ scenario: e.target.value === 'OVERALL' ? null : e.target.value })
          }
        >
          {SCENARIOS.map((s) => (
            <option key={s.code} value={s.code}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Years
        <select
          value={period}
          onChange={(e) =>
            setParams({ period: e.target.value === '2020-2070' ? null : e.target.value })
          }
        >
          {PERIODS.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <label className="field">
        Region or states
        <select
          value={REGIONS.includes(states) ? states : 'custom'}
          onChange={(e) =>
            setParams({
              states: e.target.value === 'custom' ? states : e.target.value,
              county: null,
            })
          }
        >
          {REGIONS.map((r) => (
            <option key={r} value={r}>
              {r || 'Conterminous US'}
            </option>
          ))}
          {!REGIONS.includes(states) && <option value="custom">{states}</option>}
        </select>
      </label>
      <label className="field">
        States (codes)
        <input
          type="text"
          placeholder="e.g. TX,OK"
          defaultValue={REGIONS.includes(states) ? '' : states}
          key={states}
          onBlur={(e) =>
            setParams({ states: e.target.value.toUpperCase().replace(/\s+/g, ''), county: null })
          }
          onKeyDown={(e) =>
            e.key === 'Enter' &&
            setParams({
              states: e.currentTarget.value.toUpperCase().replace(/\s+/g, ''),
              county: null,
            })
          }
        />
      </label>
    </form>
  );
}
