import { href, time, useApi } from './api';
import { Json, Status } from './widgets';
import { byLocation } from './locations-view';

/** Schedules: state, next ticks with their partitions, and the last runs. */
export function SchedulesView() {
  const { data, error } = useApi<{ schedules: any[] }>('schedules', 10_000);
  const several = new Set((data?.schedules ?? []).map((s) => s.location)).size > 1;
  return (
    <div>
      <h1>Schedules</h1>
      {error && <div class="error">{error}</div>}
      {data && data.schedules.length === 0 && <div class="muted">The definitions have no schedules.</div>}
      {byLocation(data?.schedules ?? []).map(([where, rows]) => (
        <section data-location={where || undefined}>
          {several && <h2>Location {where}</h2>}
          <table>
            <tr>
              <th>schedule</th>
              <th>state</th>
              <th>cadence</th>
              <th>target</th>
              <th>next ticks</th>
              <th>last runs</th>
            </tr>
            {rows.map((s) => (
              <tr data-schedule={s.name} data-location={s.location}>
                <td>{s.name}</td>
                <td>
                  <Status value={s.state === 'running' ? 'running-sensor' : s.state} /> {s.state}
                  {s.upToDate ? '' : ' (differs from the code: stratum deploy)'}
                </td>
                <td>{s.cadence ?? '–'}</td>
                <td>{s.target ?? '–'}</td>
                <td>
                  {s.nextTicks.map((t: any) => (
                    <div>
                      {new Date(t.at).toLocaleString()}
                      {t.partitionKey ? ` [${t.partitionKey}]` : ''}
                    </div>
                  ))}
                </td>
                <td>
                  {s.recentRuns.map((r: any) => (
                    <div>
                      {new Date(r.startedAt).toLocaleString()} <Status value={r.status} /> {r.url && <a href={r.url} target="_blank" rel="noreferrer">workflow</a>}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </table>
        </section>
      ))}
    </div>
  );
}

/** Sensors: state, cursor, counters and the last evaluations with the runs they started. */
export function SensorsView() {
  const { data, error } = useApi<{ sensors: any[] }>('sensors', 10_000);
  const several = new Set((data?.sensors ?? []).map((s) => s.location)).size > 1;
  return (
    <div>
      <h1>Sensors</h1>
      {error && <div class="error">{error}</div>}
      {data && data.sensors.length === 0 && <div class="muted">The definitions have no sensors.</div>}
      {byLocation(data?.sensors ?? []).map(([where, rows]) => (
        <section data-location={where || undefined}>
          {several && <h2>Location {where}</h2>}
          {rows.map((s) => {
            const st = s.state;
            return (
              <div class="card" data-sensor={s.name} data-location={s.location}>
                <h2>
                  {s.name} <Status value={st?.status === 'running' ? 'running-sensor' : st ? st.status : 'missing'} /> {st?.status ?? (st?.error ? 'unknown' : 'never started')}
                </h2>
                {st?.error && <div class="error">{st.error}</div>}
                <div class="kv">
                  <span>cursor</span>
                  <span>{st?.cursor ?? s.cursor?.cursor ?? '–'}</span>
                  <span>next tick</span>
                  <span>{time(st?.nextTickAt)}</span>
                  <span>queued</span>
                  <span>{st?.queued ?? '–'}</span>
                </div>
                {st?.counters && <Json value={st.counters} />}
                {st?.evaluations && (
                  <table>
                    <tr>
                      <th>evaluation</th>
                      <th>details</th>
                    </tr>
                    {[...st.evaluations].reverse().map((e: any) => (
                      <tr>
                        <td>{time(e.at ?? e.evaluatedAt ?? e.finishedAt)}</td>
                        <td>
                          {(e.runs ?? []).map((r: any) => (
                            <div>{r.runId ? <a href={href('runs', r.runId)}>{r.workflowId ?? r.runId}</a> : (r.workflowId ?? JSON.stringify(r))}</div>
                          ))}
                          <details>
                            <summary>{e.outcome ?? e.kind ?? 'evaluation'}</summary>
                            <Json value={e} />
                          </details>
                        </td>
                      </tr>
                    ))}
                  </table>
                )}
              </div>
            );
          })}
        </section>
      ))}
    </div>
  );
}
