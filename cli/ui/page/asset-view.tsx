import { duration, href, time, useApi } from './api';
import { Json, MetadataPlot, PartitionBar, Status } from './widgets';
import { LocationTag } from './locations-view';

/** One asset: definition, latest materialization, metadata plots, history, partitions, staleness, checks and runs. */
export function AssetView({ assetKey }: { assetKey: string }) {
  const { data, error } = useApi<any>(`assets/${assetKey.split('/').map(encodeURIComponent).join('/')}`, 5000);
  if (error && !data) return <div class="error">{error}</div>;
  if (!data) return <div class="muted">loading…</div>;
  const d = data.definition;
  const series = Object.entries(data.series as Record<string, any[]>);
  return (
    <div data-testid="asset-page">
      <h1>
        {d.key}{' '}
        {data.health ? (
          <span>
            <Status value={data.staleness.stale > 0 ? 'stale' : data.health.failed > 0 ? 'failed' : data.staleness.fresh > 0 ? 'fresh' : 'missing'} />{' '}
            <span class="muted" style="font-size:14px">
              {data.health.materialized} of {data.health.total} partitions materialized
            </span>
          </span>
        ) : (
          <Status value={data.staleness.status} />
        )}
      </h1>
      <div class="card">
        <h2>Definition</h2>
        <div class="kv">
          <span>location</span>
          <span data-testid="asset-location" data-location={d.location}>
            <LocationTag name={d.location} />
            {d.external ? ' (a source asset here: materialized elsewhere)' : ''}
          </span>
          <span>group</span>
          <span>{d.group}</span>
          <span>description</span>
          <span>{d.description ?? '–'}</span>
          <span>owners</span>
          <span>{d.owners.join(', ') || '–'}</span>
          <span>tags</span>
          <span>{Object.entries(d.tags).map(([k, v]) => `${k}=${v}`).join(', ') || '–'}</span>
          <span>code version</span>
          <span>{d.codeVersion ?? '–'}</span>
          <span>partitions</span>
          <span>{d.partitions ? `${d.partitions.kind} (${d.partitions.count} partitions)` : 'unpartitioned'}</span>
          <span>upstream</span>
          <span>{d.upstream.length ? d.upstream.map((k: string) => <a href={href('assets', k)} style="margin-right:8px">{k}</a>) : '–'}</span>
          <span>downstream</span>
          <span>
            {d.downstream.length
              ? (d.downstreamLocations ?? d.downstream.map((k: string) => ({ key: k, location: d.location }))).map((r: { key: string; location: string }) => (
                  <a href={href('assets', r.key)} style="margin-right:8px" data-location={r.location}>
                    {r.key}
                    {r.location !== d.location ? ` (${r.location})` : ''}
                  </a>
                ))
              : '–'}
          </span>
        </div>
      </div>
      {data.health && (
        <div class="card" data-testid="partition-health">
          <h2>Partitions</h2>
          <div>
            {data.health.materialized} materialized, {data.health.failed} failed, {data.health.missing} missing of {data.health.total}
          </div>
          <PartitionBar ranges={data.health.ranges} total={data.health.total} width={900} height={22} />
          <details>
            <summary>{data.health.ranges.length} ranges</summary>
            <table>
              <tr>
                <th>from</th>
                <th>to</th>
                <th>status</th>
                <th>partitions</th>
              </tr>
              {data.health.ranges.slice(0, 500).map((r: any) => (
                <tr>
                  <td>{r.from}</td>
                  <td>{r.to}</td>
                  <td>
                    <Status value={r.status} />
                  </td>
                  <td>{r.count}</td>
                </tr>
              ))}
            </table>
          </details>
        </div>
      )}
      <div class="card">
        <h2>Staleness</h2>
        <div>
          {data.staleness.fresh} fresh, {data.staleness.stale} stale, {data.staleness.missing} missing
        </div>
        {data.staleness.partitions
          .filter((p: any) => p.causes.length > 0)
          .map((p: any) => (
            <div>
              {p.partitionKey ? <b>{p.partitionKey}: </b> : null}
              {p.causes.join('; ')}
            </div>
          ))}
      </div>
      <div class="card">
        <h2>Latest materialization</h2>
        {data.latest ? (
          <div>
            <div class="kv">
              <span>at</span>
              <span>{time(data.latest.materializedAt)}</span>
              <span>partition</span>
              <span>{data.latest.partitionKey ?? '–'}</span>
              <span>run</span>
              <span>
                <a href={href('runs', data.latest.runId)}>{data.latest.runId}</a>
              </span>
              <span>data version</span>
              <span>{data.latest.dataVersion}</span>
              <span>stored at</span>
              <span>{data.latest.storageLocation ?? '–'}</span>
            </div>
            <Json value={data.latest.metadata} />
          </div>
        ) : (
          <div class="muted">never materialized</div>
        )}
      </div>
      {series.length > 0 && (
        <div>
          <h2>Metadata over time</h2>
          {series.map(([name, points]) => (
            <MetadataPlot name={name} points={points} />
          ))}
        </div>
      )}
      <h2>Checks</h2>
      <table>
        <tr>
          <th>check</th>
          <th>outcome</th>
          <th>severity</th>
          <th>partition</th>
          <th>run</th>
        </tr>
        {data.checks.map((c: any) => (
          <tr>
            <td>{c.checkName}</td>
            <td>
              <Status value={c.outcome} />
            </td>
            <td>{c.severity}</td>
            <td>{c.partitionKey ?? '–'}</td>
            <td>
              <a href={href('runs', c.runId)}>{String(c.runId).slice(0, 12)}</a>
            </td>
          </tr>
        ))}
      </table>
      <h2>Runs</h2>
      <RunTable runs={data.runs} />
      <h2>History</h2>
      <table>
        <tr>
          <th>materialized</th>
          <th>partition</th>
          <th>data version</th>
          <th>code version</th>
          <th>run</th>
        </tr>
        {data.history.map((m: any) => (
          <tr>
            <td>{time(m.materializedAt)}</td>
            <td>{m.partitionKey ?? '–'}</td>
            <td>{m.dataVersion.slice(0, 12)}</td>
            <td>{m.codeVersion ?? '–'}</td>
            <td>
              <a href={href('runs', m.runId)}>{m.runId.slice(0, 12)}</a>
            </td>
          </tr>
        ))}
      </table>
    </div>
  );
}

/** Runs with target, partition, trigger, status, duration and their Temporal UI links. */
export function RunTable({ runs }: { runs: any[] }) {
  return (
    <table data-testid="runs-table">
      <tr>
        <th>run</th>
        <th>location</th>
        <th>target</th>
        <th>partition</th>
        <th>trigger</th>
        <th>status</th>
        <th>started</th>
        <th>duration</th>
        <th>Temporal</th>
      </tr>
      {runs.map((r) => (
        <tr data-run-id={r.runId}>
          <td>
            <a href={href('runs', r.runId)}>{r.runId.slice(0, 12)}</a>
          </td>
          <td data-run-location={r.location}>{r.location ?? '–'}</td>
          <td>{r.target}</td>
          <td>{r.partition ?? '–'}</td>
          <td>{r.backfillId ? <a href={href('backfills', r.backfillId)}>backfill</a> : r.trigger}</td>
          <td>
            <Status value={r.status} />
          </td>
          <td>{time(r.startedAt)}</td>
          <td>{duration(r.durationMs)}</td>
          <td>{r.url ? <a href={r.url} target="_blank" rel="noreferrer">workflow</a> : '–'}</td>
        </tr>
      ))}
    </table>
  );
}
