import { useState } from 'preact/hooks';
import { action, duration, href, time, useApi } from './api';
import { RunTable } from './asset-view';
import { Status } from './widgets';
import { LocationTag } from './locations-view';

/** The runs list, with filters by status, trigger, asset and backfill. */
export function RunsView() {
  const [filter, setFilter] = useState({ status: '', trigger: '', asset: '', backfill: '', location: '' });
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== '')).toString();
  const { data, error } = useApi<{ runs: any[] }>(`runs?${query}`, 5000);
  const set = (name: keyof typeof filter) => (e: Event) => setFilter({ ...filter, [name]: (e.target as HTMLInputElement).value });
  return (
    <div>
      <h1>Runs</h1>
      <div class="toolbar">
        <select name="status" onChange={set('status')} value={filter.status}>
          <option value="">any status</option>
          {['started', 'succeeded', 'failed', 'canceled'].map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
        <select name="trigger" onChange={set('trigger')} value={filter.trigger}>
          <option value="">any trigger</option>
          {['manual', 'schedule', 'sensor', 'backfill'].map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
        <input name="asset" placeholder="asset key" value={filter.asset} onChange={set('asset')} />
        <input name="backfill" placeholder="backfill id" value={filter.backfill} onChange={set('backfill')} />
        <input name="location" placeholder="location" value={filter.location} onChange={set('location')} />
      </div>
      {error && <div class="error">{error}</div>}
      {data ? <RunTable runs={data.runs} /> : <div class="muted">loading…</div>}
    </div>
  );
}

const COLORS: Record<string, string> = { succeeded: 'var(--fresh)', failed: 'var(--failed)', skipped: 'var(--missing)', canceled: 'var(--missing)' };

/** One run: its steps on a timeline (skipped ones too), each step's logs, materializations and checks. */
export function RunView({ runId, allowActions }: { runId: string; allowActions: boolean }) {
  const { data, error, reload } = useApi<any>(`runs/${encodeURIComponent(runId)}`, 3000);
  if (error && !data) return <div class="error">{error}</div>;
  if (!data) return <div class="muted">loading…</div>;
  const run = data.run;
  const steps: any[] = run.steps;
  const started = run.startedAt;
  const end = Math.max(run.endedAt ?? Date.now(), ...steps.map((s) => s.endedAt ?? 0));
  const span = Math.max(end - started, 1);
  const W = 700;
  const logsOf = (key: string) => data.logs.filter((l: any) => l.stepKey === key);
  return (
    <div data-testid="run-page">
      <h1 data-run-status={run.status}>
        Run {run.runId.slice(0, 12)} <Status value={run.status} />
      </h1>
      <div class="card kv">
        <span>location</span>
        <span data-testid="run-location" data-location={run.location}>
          <LocationTag name={run.location} />
        </span>
        <span>target</span>
        <span>{run.target}</span>
        <span>partition</span>
        <span>{run.partition ?? '–'}</span>
        <span>trigger</span>
        <span>{run.backfillId ? <a href={href('backfills', run.backfillId)}>backfill {run.backfillId}</a> : run.trigger}</span>
        <span>started</span>
        <span>{time(run.startedAt)}</span>
        <span>duration</span>
        <span>{duration(run.durationMs)}</span>
        <span>tags</span>
        <span>{Object.entries(run.tags).map(([k, v]) => `${k}=${v}`).join(', ') || '–'}</span>
        <span>Temporal</span>
        <span>{run.url ? <a href={run.url} target="_blank" rel="noreferrer">{run.workflowId}</a> : run.workflowId}</span>
      </div>
      {allowActions && (run.status === 'failed' || run.status === 'canceled') && (
        <button
          data-testid="reexecute-from-failure"
          onClick={() =>
            action(`runs/${encodeURIComponent(run.runId)}/reexecute?fromFailure=true`).then(
              (started: { runId: string }) => (location.hash = href('runs', started.runId)),
              (e: Error) => alert(e.message),
            )
          }
        >
          Re-execute from failure
        </button>
      )}
      {allowActions && run.status === 'started' && (
        <button onClick={() => action(`runs/${encodeURIComponent(run.workflowId)}/cancel`).then(reload, (e: Error) => alert(e.message))}>Cancel run</button>
      )}
      <h2>Steps</h2>
      {steps.length === 0 && <div class="muted">No steps recorded yet (the run has not finished).</div>}
      <table data-testid="step-timeline">
        {steps.map((s) => {
          const x = s.startedAt ? ((s.startedAt - started) / span) * W : 0;
          const w = s.startedAt && s.endedAt ? Math.max(((s.endedAt - s.startedAt) / span) * W, 2) : W;
          const logs = logsOf(s.key);
          return (
            <tr data-step-key={s.key} data-step-status={s.status}>
              <td style="width:220px">
                {s.key}
                <div>
                  <Status value={s.status} /> <span class="muted">{s.startedAt && s.endedAt ? duration(s.endedAt - s.startedAt) : ''}</span>
                </div>
              </td>
              <td>
                <svg width={W} height={14}>
                  <rect x={x} y={2} width={w} height={10} rx={2} fill={COLORS[s.status] ?? '#999'} opacity={s.status === 'skipped' ? 0.35 : 1} />
                </svg>
                {s.error && <div class="error">{s.error}</div>}
                <details>
                  <summary>{logs.length} log lines</summary>
                  <pre>{logs.map((l: any) => `${new Date(l.ts).toISOString()} ${l.level.toUpperCase()} [attempt ${l.attempt}] ${l.message}`).join('\n')}</pre>
                </details>
              </td>
            </tr>
          );
        })}
      </table>
      <h2>Materializations</h2>
      <table>
        <tr>
          <th>asset</th>
          <th>partition</th>
          <th>data version</th>
        </tr>
        {data.materializations.map((m: any) => (
          <tr>
            <td>
              <a href={href('assets', m.assetKey)}>{m.assetKey}</a>
            </td>
            <td>{m.partitionKey ?? '–'}</td>
            <td>{m.dataVersion.slice(0, 12)}</td>
          </tr>
        ))}
      </table>
    </div>
  );
}
