import { render } from 'preact';
import { useApi, useRoute } from './api';
import { AssetView } from './asset-view';
import { SchedulesView, SensorsView } from './automation-view';
import { BackfillsView, BackfillView } from './backfills-view';
import { GraphView } from './graph-view';
import { RunsView, RunView } from './runs-view';
import { LocationsView, type LocationsMeta } from './locations-view';

function App() {
  const route = useRoute();
  // Polled: `stratum dev` reloads a location's definitions when its code changes.
  const meta = useApi<{ allowActions: boolean; temporalUiUrl: string | null; catalog: string } & LocationsMeta>('meta', 5000);
  const [rawPage, id] = route;
  // `#/?location=x` and `#/locations?name=x`: the query is not part of the page's name.
  const page = rawPage?.split('?')[0];
  const nav = [
    ['', 'Asset graph'],
    ['runs', 'Runs'],
    ['backfills', 'Backfills'],
    ['schedules', 'Schedules'],
    ['sensors', 'Sensors'],
    ['locations', 'Locations'],
  ];
  const current = page === 'assets' ? '' : (page ?? '');
  let body;
  if (page === 'assets' && id) body = <AssetView assetKey={id.split('?')[0]!} />;
  else if (page === 'runs' && id) body = <RunView runId={id} allowActions={meta.data?.allowActions ?? false} />;
  else if (page === 'runs') body = <RunsView />;
  else if (page === 'backfills' && id) body = <BackfillView backfillId={id} />;
  else if (page === 'backfills') body = <BackfillsView />;
  else if (page === 'schedules') body = <SchedulesView />;
  else if (page === 'sensors') body = <SensorsView />;
  else if (page === 'locations') body = <LocationsView />;
  else body = <GraphView meta={meta.data} />;
  return (
    <div>
      <header>
        <a class="brand" href="#/">
          Stratum
        </a>
        {nav.map(([p, label]) => (
          <a href={`#/${p}`} class={current === p ? 'active' : ''}>
            {label}
          </a>
        ))}
        <span style="margin-left:auto" class="muted">
          {meta.data?.temporalUiUrl && (
            <a href={meta.data.temporalUiUrl} target="_blank" rel="noreferrer">
              Temporal UI
            </a>
          )}{' '}
          {meta.data?.catalog ?? ''}
        </span>
      </header>
      <main>{body}</main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
