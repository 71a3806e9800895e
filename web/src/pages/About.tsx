import { useQuery } from '@tanstack/react-query';
import { getHealth, getJson } from '../api.ts';

interface KnowledgeList {
  documents: { id: string; title: string; ref: string; sections: { heading: string }[] }[];
}

export default function AboutPage() {
  const health = useQuery({ queryKey: ['health'], queryFn: getHealth, staleTime: 300_000 });
  const provider = health.data?.checks.provider;
  const agents = health.data?.checks.agentPool;
  const knowledge = useQuery({
    queryKey: ['knowledge'],
    queryFn: () => getJson<KnowledgeList>('/api/knowledge'),
    staleTime: 300_000,
  });
  return (
    <div className="page about prose">
      <h1>About this data</h1>
      {health.data?.dataset === 'demo' && (
        <p className="notice">
          <strong>This server holds DEMO DATA</strong>: modelled values for the real 3,108 counties,
          in the format of the real file and calibrated to the published national results, but not
          the RPA projections themselves. Load the real file with{' '}
          <code>landuse load --input FILE</code>.
        </p>
      )}
      <h2>What it is</h2>
      <p>
        The USDA Forest Service <strong>2020 Resources Planning Act (RPA) Assessment</strong>{' '}
        projects how land in each county of the conterminous United States moves between five uses
        (crop, pasture, rangeland, forest and urban) from 2012 to 2070, in periods of about ten
        years.
      </p>
      <ul>
        <li>
          <strong>Private land only</strong>: federal and other public land is held constant and not
          in these figures.
        </li>
        <li>
          <strong>County level</strong>: the smallest unit is a county; nothing here says where
          inside a county land changes.
        </li>
        <li>
          <strong>Urban land does not go back</strong>: once developed, land stays urban in the
          model.
        </li>
        <li>
          <strong>Projections, not forecasts</strong>: each scenario is a consistent “what if”, not
          a prediction of what will happen.
        </li>
      </ul>
      <h2>Scenarios in plain words</h2>
      <dl>
        <dt>LM: lower warming, moderate growth (RCP4.5 / SSP1)</dt>
        <dd>
          A world that moves toward sustainability: less warming, moderate population and economic
          growth.
        </dd>
        <dt>HM: high warming, moderate growth (RCP8.5 / SSP2)</dt>
        <dd>Trends continue roughly as they have (“middle of the road”) under strong warming.</dd>
        <dt>HL: high warming, low growth (RCP8.5 / SSP3)</dt>
        <dd>A fragmented world with slow population and economic growth in the US.</dd>
        <dt>HH: high warming, high growth (RCP8.5 / SSP5)</dt>
        <dd>Fast, fossil-fuelled growth: the most people, income and new urban land.</dd>
        <dt>OVERALL: the ensemble mean</dt>
        <dd>The average of all 20 runs: the default when a question names no scenario.</dd>
      </dl>
      <p>
        <strong>Climate models</strong>: each scenario was run with five global climate models (for
        example a wetter, a drier, a hotter one); their spread shows how much the answer depends on
        the climate model rather than the scenario.
      </p>
      <h2>Background reading</h2>
      <p>
        Answers about the assessment itself (what a scenario assumes, how the projections were made,
        how to cite them) quote these documents and link to the section they used. Ask the chat, or
        read them here:
      </p>
      {knowledge.data ? (
        <ul className="knowledge-list">
          {knowledge.data.documents.map((d) => (
            <li key={d.id}>
              <a href={d.ref} target="_blank" rel="noopener">
                {d.title}
              </a>{' '}
              <span className="muted small">({d.sections.length} sections)</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">
          {knowledge.isError ? 'The documents could not be listed.' : 'Loading…'}
        </p>
      )}
      <h2>Citation</h2>
      <p className="citation">
        Mihiar, A.J.; Lewis, D.J.; Coulston, J.W. 2023. Land use projections for the 2020 RPA
        Assessment. Fort Collins, CO: Forest Service Research Data Archive.{' '}
        <a href="https://doi.org/10.2737/RDS-2023-0026">https://doi.org/10.2737/RDS-2023-0026</a>
      </p>
      <h2>This server</h2>
      {health.data ? (
        <ul>
          <li>Dataset: {health.data.dataset}</li>
          <li>Answers: {provider?.detail ?? 'unknown'}</li>
          <li>Agents: {agents?.detail ?? 'unknown'}</li>
          <li>Database: {health.data.checks.database?.detail ?? 'unknown'}</li>
        </ul>
      ) : (
        <p className="muted">Loading…</p>
      )}
      <p>
        The HTTP API this app reads is documented at <a href="/docs">/docs</a>.
      </p>
    </div>
  );
}
