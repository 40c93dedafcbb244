import { action, href, time, useApi } from './api';
import { Json, Status } from './widgets';

/** Backfills of the cluster, newest first. */
export function BackfillsView() {
  const { data, error } = useApi<{ backfills: any[] }>('backfills', 5000);
  return (
    <div>
      <h1>Backfills</h1>
      {error && <div class="error">{error}</div>}
      <table>
        <tr>
          <th>backfill</th>
          <th>location</th>
          <th>status</th>
          <th>started</th>
          <th>Temporal</th>
        </tr>
        {(data?.backfills ?? []).map((b) => (
          <tr data-backfill-id={b.backfillId}>
            <td>
              <a href={href('backfills', b.backfillId)}>{b.backfillId}</a>
            </td>
            <td data-backfill-location={b.location}>{b.location ?? '–'}</td>
            <td>
              <Status value={b.status} />
            </td>
            <td>{time(b.startedAt)}</td>
            <td>{b.url ? <a href={b.url} target="_blank" rel="noreferrer">workflow</a> : '–'}</td>
          </tr>
        ))}
      </table>
    </div>
  );
}

const CELL: Record<string, string> = { succeeded: 'var(--fresh)', failed: 'var(--failed)', started: 'var(--running)', canceled: 'var(--missing)' };

/** One backfill: progress, the asset × partition status matrix, and pause/resume/cancel when actions are on. */
export function BackfillView({ backfillId }: { backfillId: string }) {
  const { data, error, reload } = useApi<any>(`backfills/${encodeURIComponent(backfillId)}`, 3000);
  if (error && !data) return <div class="error">{error}</div>;
  if (!data) return <div class="muted">loading…</div>;
  const p = data.progress && !data.progress.error ? data.progress : null;
  const act = (what: string) => action(`backfills/${encodeURIComponent(backfillId)}/${what}`).then(reload, (e: Error) => alert(e.message));
  return (
    <div data-testid="backfill-page">
      <h1>
        Backfill {backfillId} {p && <Status value={p.status} />}
      </h1>
      <div class="card">
        {p ? (
          <div data-testid="backfill-progress">
            <div>
              {p.done} of {p.total} {p.unit ?? 'run'}s done, {p.failed} failed, {p.running} running, {p.remaining} remaining{p.blocked ? `, ${p.blocked} blocked` : ''}
            </div>
            <svg width={600} height={14}>
              <rect width={600} height={14} fill="#e4e7eb" rx={3} />
              <rect width={(600 * p.done) / Math.max(p.total, 1)} height={14} fill="var(--fresh)" rx={3} />
              <rect x={(600 * p.done) / Math.max(p.total, 1)} width={(600 * p.failed) / Math.max(p.total, 1)} height={14} fill="var(--failed)" />
            </svg>
          </div>
        ) : (
          <div class="muted">Progress unavailable{data.progress?.error ? `: ${data.progress.error}` : ''}</div>
        )}
        {data.url && (
          <div>
            <a href={data.url} target="_blank" rel="noreferrer">
              {data.workflowId} in the Temporal UI
            </a>
          </div>
        )}
        {data.allowActions && (
          <div class="toolbar" style="margin-top:8px">
            <button onClick={() => act('pause')}>Pause</button>
            <button onClick={() => act('resume')}>Resume</button>
            <button onClick={() => act('cancel')}>Cancel</button>
          </div>
        )}
      </div>
      <h2>
        Assets × partitions <span class="muted">({data.runs} runs)</span>
      </h2>
      <div class="matrix card" data-testid="backfill-matrix" style={`grid-template-columns: max-content repeat(${data.partitions.length}, 10px)`}>
        {data.assets.map((a: any) => [
          <a class="label" href={href('assets', a.assetKey)}>
            {a.assetKey}
          </a>,
          ...a.cells.map((c: string | null, i: number) => <div class="cell" title={`${a.assetKey} [${data.partitions[i]}]: ${c ?? 'not run'}`} data-cell-status={c ?? ''} style={c ? `background:${CELL[c] ?? '#999'}` : ''} />),
        ])}
      </div>
      {p && p.failedItems.length > 0 && (
        <div>
          <h2>Failed</h2>
          <Json value={p.failedItems} />
        </div>
      )}
    </div>
  );
}
