/** A status pill. */
export function Status({ value }: { value: string | null | undefined }) {
  return <span class={`status s-${value ?? 'missing'}`} data-status={value ?? ''}>{value ?? '–'}</span>;
}

export interface Range {
  from: string;
  to: string;
  status: string;
  count: number;
}

const COLOR: Record<string, string> = { materialized: 'var(--materialized)', failed: 'var(--failed)', missing: '#d5d9de' };

/** A partition health bar: one segment per range of partitions with the same status. */
export function PartitionBar({ ranges, total, width = 300, height = 10 }: { ranges: Range[]; total: number; width?: number; height?: number }) {
  let x = 0;
  return (
    <svg class="partition-bar" width={width} height={height} data-partitions={total} viewBox={`0 0 ${width} ${height}`}>
      {ranges.map((r) => {
        const w = (r.count / Math.max(total, 1)) * width;
        const rect = (
          <rect x={x} y={0} width={Math.max(w, 0.5)} height={height} fill={COLOR[r.status] ?? '#ccc'} data-range-status={r.status}>
            <title>{`${r.from === r.to ? r.from : `${r.from} … ${r.to}`}: ${r.status} (${r.count})`}</title>
          </rect>
        );
        x += w;
        return rect;
      })}
    </svg>
  );
}

/** A numeric metadata series over time as an inline SVG line chart. */
export function MetadataPlot({ name, points }: { name: string; points: { at: number; value: number; partitionKey: string | null }[] }) {
  const W = 320;
  const H = 120;
  const pad = 28;
  const xs = points.map((p) => p.at);
  const ys = points.map((p) => p.value);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => pad + (x1 === x0 ? (W - 2 * pad) / 2 : ((x - x0) / (x1 - x0)) * (W - 2 * pad));
  const sy = (y: number) => H - pad + (y1 === y0 ? -(H - 2 * pad) / 2 : -((y - y0) / (y1 - y0)) * (H - 2 * pad));
  return (
    <div class="card metadata-plot" style="display:inline-block;margin-right:10px">
      <div>
        <b>{name}</b> <span class="muted">(latest {ys[ys.length - 1]})</span>
      </div>
      <svg width={W} height={H}>
        <line x1={pad} y1={H - pad} x2={W - pad} y2={H - pad} stroke="#bbb" />
        <line x1={pad} y1={pad} x2={pad} y2={H - pad} stroke="#bbb" />
        <text x={2} y={pad + 4} font-size="10">{y1}</text>
        <text x={2} y={H - pad} font-size="10">{y0}</text>
        <polyline fill="none" stroke="#1558b0" stroke-width="2" points={points.map((p) => `${sx(p.at)},${sy(p.value)}`).join(' ')} />
        {points.map((p) => (
          <circle cx={sx(p.at)} cy={sy(p.value)} r={2.5} fill="#1558b0">
            <title>{`${new Date(p.at).toLocaleString()}${p.partitionKey ? ` [${p.partitionKey}]` : ''}: ${p.value}`}</title>
          </circle>
        ))}
      </svg>
    </div>
  );
}

export function Json({ value }: { value: unknown }) {
  return <pre>{JSON.stringify(value, null, 2)}</pre>;
}
