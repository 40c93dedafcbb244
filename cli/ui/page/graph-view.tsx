import { useMemo, useRef, useState } from 'preact/hooks';
import { href, useApi } from './api';
import { layoutGraph, NODE_H, NODE_W, type GraphNode } from './graph-layout';
import { PartitionBar } from './widgets';
import { LocationPicker, type LocationsMeta } from './locations-view';

const FILL: Record<string, string> = { fresh: '#e6f4e7', stale: '#fff6d6', missing: '#f0f1f3', failed: '#fde7e7', running: '#e3eefc' };
const STROKE: Record<string, string> = { fresh: 'var(--fresh)', stale: 'var(--stale)', missing: 'var(--missing)', failed: 'var(--failed)', running: 'var(--running)' };

/** The asset graph: groups as boxes, nodes coloured by status, a health bar on partitioned nodes, a selection filter. */
export function GraphView({ meta }: { meta?: LocationsMeta | null }) {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const initial = params.get('select') ?? '';
  const [input, setInput] = useState(initial);
  const [select, setSelect] = useState(initial);
  const [where, setWhere] = useState(params.get('location') ?? '');
  const { data, error } = useApi<{ nodes: (GraphNode & { location?: string; external?: boolean })[]; locations?: string[] }>(
    `graph?select=${encodeURIComponent(select)}&location=${encodeURIComponent(where)}`,
    5000,
  );
  // In a workspace, group boxes are per location and group ("etl / sales").
  const several = (data?.locations?.length ?? 1) > 1;
  const layout = useMemo(
    () => (data ? layoutGraph(several ? data.nodes.map((n) => ({ ...n, group: `${n.location} / ${n.group}` })) : data.nodes) : null),
    [data && JSON.stringify(data.nodes), several],
  );
  const locationOf = useMemo(() => new Map((data?.nodes ?? []).map((n) => [n.key, n.location ?? ''])), [data]);
  const [view, setView] = useState<{ x: number; y: number; k: number } | null>(null);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const n of data?.nodes ?? []) c[n.status] = (c[n.status] ?? 0) + 1;
    return c;
  }, [data]);
  // Fit the whole graph at first.
  const v = view ?? (layout && box.current ? fit(layout.width, layout.height, box.current.clientWidth, box.current.clientHeight) : { x: 0, y: 0, k: 1 });
  return (
    <div>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setSelect(input);
          setView(null);
        }}
      >
        <input class="filter" name="select" placeholder='selection, e.g. "sales/orders+", "group:sales", "*"' value={input} onInput={(e) => setInput((e.target as HTMLInputElement).value)} />
        <LocationPicker
          meta={meta ?? null}
          value={where}
          onChange={(value) => {
            setWhere(value);
            setView(null);
          }}
        />
        <button type="submit">Filter</button>
        <span class="legend">
          {['fresh', 'stale', 'missing', 'failed', 'running'].map((s) => (
            <span>
              <i style={`background:${STROKE[s]}`} />
              {s} {counts[s] ?? 0}
            </span>
          ))}
        </span>
        <span class="muted" data-node-count={data?.nodes.length ?? 0}>{data ? `${data.nodes.length} assets` : 'loading…'}</span>
      </form>
      {error && <div class="error">{error}</div>}
      <div
        class="graph"
        ref={box}
        onWheel={(e) => {
          e.preventDefault();
          const rect = (e.currentTarget as HTMLElement).getBoundingClientRect();
          const factor = e.deltaY < 0 ? 1.15 : 1 / 1.15;
          const mx = e.clientX - rect.left;
          const my = e.clientY - rect.top;
          setView({ k: v.k * factor, x: mx - (mx - v.x) * factor, y: my - (my - v.y) * factor });
        }}
        onMouseDown={(e) => (drag.current = { x: e.clientX - v.x, y: e.clientY - v.y })}
        onMouseMove={(e) => drag.current && setView({ k: v.k, x: e.clientX - drag.current.x, y: e.clientY - drag.current.y })}
        onMouseUp={() => (drag.current = null)}
        onMouseLeave={() => (drag.current = null)}
      >
        {layout && (
          <svg data-testid="asset-graph">
            <defs>
              <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" fill="#8a939e" />
              </marker>
            </defs>
            <g transform={`translate(${v.x},${v.y}) scale(${v.k})`}>
              {layout.groups.map((g) => (
                <g class="group" data-group={g.name} data-location={several ? g.name.split(' / ')[0] : undefined}>
                  <rect x={g.x} y={g.y} width={g.width} height={g.height} rx={8} fill="#f7f8fa" stroke="#c3c9d1" stroke-dasharray="4 3" />
                  <text x={g.x + 10} y={g.y + 18} font-size="13" font-weight="600" fill="#4a5360">
                    {g.name}
                  </text>
                </g>
              ))}
              {layout.edges.map((e) => (
                <polyline fill="none" stroke="#8a939e" stroke-width="1.2" marker-end="url(#arrow)" points={e.points.map((p) => `${p.x},${p.y}`).join(' ')} />
              ))}
              {layout.nodes.map((n) => (
                <g
                  class="node"
                  data-asset-key={n.key}
                  data-status={n.status}
                  data-location={locationOf.get(n.key) || undefined}
                  transform={`translate(${n.x - NODE_W / 2},${n.y - NODE_H / 2})`}
                  onClick={() => (location.hash = href('assets', n.key))}
                >
                  <title>{`${n.key}: ${n.status}`}</title>
                  <rect class="body" width={NODE_W} height={NODE_H} rx={6} fill={FILL[n.status] ?? '#fff'} stroke={STROKE[n.status] ?? '#999'} stroke-width={1.5} />
                  <rect width={6} height={NODE_H} rx={3} fill={STROKE[n.status] ?? '#999'} />
                  <text x={14} y={n.health ? 17 : 25} font-size="13">
                    {n.key.length > 26 ? `…${n.key.slice(-25)}` : n.key}
                  </text>
                  {n.health && (
                    <g transform="translate(14,25)">
                      <PartitionBar ranges={n.health.ranges} total={n.health.total} width={NODE_W - 24} height={7} />
                    </g>
                  )}
                </g>
              ))}
            </g>
          </svg>
        )}
      </div>
    </div>
  );
}

function fit(width: number, height: number, boxWidth: number, boxHeight: number) {
  const k = Math.min(1, (boxWidth - 20) / Math.max(width, 1), (boxHeight - 20) / Math.max(height, 1));
  return { k, x: (boxWidth - width * k) / 2, y: 10 };
}
