import { href, time, useApi } from './api';
import { Status } from './widgets';

/** What `/api/meta` says about the locations: their names, and whether the UI shows a workspace. */
export interface LocationsMeta {
  locations: { name: string; loaded: boolean; loadedAt: number }[];
  workspace: boolean;
}

/** A location's name, as a link to the locations page (shown only in a workspace). */
export function LocationTag({ name }: { name: string | null | undefined }) {
  if (!name) return <span>–</span>;
  return (
    <a class="location-tag" data-location-tag={name} href={`${href('locations')}?name=${encodeURIComponent(name)}`}>
      {name}
    </a>
  );
}

/** A `<select name="location">` over the workspace's locations ('' is every location). */
export function LocationPicker({ meta, value, onChange }: { meta: LocationsMeta | null; value: string; onChange: (value: string) => void }) {
  if (!meta?.workspace) return null;
  return (
    <select name="location" value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
      <option value="">every location</option>
      {meta.locations.map((l) => (
        <option value={l.name}>{l.name}</option>
      ))}
    </select>
  );
}

/** Rows grouped by their `location`, in the order the locations come (one untitled group outside a workspace). */
export function byLocation<T extends { location?: string | null }>(rows: readonly T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(row.location ?? '', [...(groups.get(row.location ?? '') ?? []), row]);
  return [...groups];
}

/** The code locations, as `stratum locations list`: module, task queue, worker status, load error, and what each defines. */
export function LocationsView() {
  const { data, error } = useApi<{ locations: any[] }>('locations', 5000);
  return (
    <div>
      <h1>Locations</h1>
      {error && <div class="error">{error}</div>}
      <table data-testid="locations-table">
        <tr>
          <th>location</th>
          <th>module</th>
          <th>task queue</th>
          <th>worker</th>
          <th>assets</th>
          <th>schedules</th>
          <th>sensors</th>
          <th>loaded</th>
          <th>load error</th>
        </tr>
        {(data?.locations ?? []).map((l) => (
          <tr data-location={l.name} data-worker={l.worker} data-load-error={l.loadError ? 'yes' : 'no'}>
            <td>
              <a href={`#/?location=${encodeURIComponent(l.name)}`}>{l.name}</a>
            </td>
            <td>
              <code>{l.module}</code>
            </td>
            <td>
              <code>{l.taskQueue}</code>
            </td>
            <td>
              <Status value={l.worker === 'running' ? 'running-sensor' : l.worker === 'no worker' ? 'failed' : 'missing'} /> {l.worker}
            </td>
            <td>
              {l.assets ?? '–'}
              {l.sourceAssets.length > 0 && <div class="muted">reads {l.sourceAssets.map((s: any) => `${s.key}${s.location ? ` (${s.location})` : ''}`).join(', ')}</div>}
            </td>
            <td>{l.schedules.join(', ') || '–'}</td>
            <td>{l.sensors.join(', ') || '–'}</td>
            <td>{time(l.loadedAt)}</td>
            <td>{l.loadError ? <pre class="error">{l.loadError}</pre> : '–'}</td>
          </tr>
        ))}
      </table>
    </div>
  );
}
