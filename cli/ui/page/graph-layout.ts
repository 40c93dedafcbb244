import dagre from '@dagrejs/dagre';

export interface GraphNode {
  key: string;
  group: string;
  upstream: string[];
  status: string;
  partitioned: boolean;
  health: { total: number; ranges: { from: string; to: string; status: string; count: number }[] } | null;
}

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
}

export interface PlacedGroup {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  nodes: PlacedNode[];
  groups: PlacedGroup[];
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
  width: number;
  height: number;
}

export const NODE_W = 200;
export const NODE_H = 40;
const PAD = 24;
/** Groups above this size get the simple layered layout (dagre's ordering grows too slow). */
const DAGRE_LIMIT = 250;

/** Left-to-right layers by longest path from the sources, in the given order within a layer. */
function layered(nodes: GraphNode[], inGroup: Set<string>): Map<string, { x: number; y: number }> {
  const rank = new Map<string, number>();
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const rankOf = (key: string, seen: Set<string>): number => {
    const known = rank.get(key);
    if (known !== undefined) return known;
    if (seen.has(key)) return 0;
    seen.add(key);
    const ups = byKey.get(key)!.upstream.filter((u) => inGroup.has(u));
    const r = ups.length === 0 ? 0 : Math.max(...ups.map((u) => rankOf(u, seen))) + 1;
    rank.set(key, r);
    return r;
  };
  const rows = new Map<number, number>();
  const out = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const r = rankOf(n.key, new Set());
    const row = rows.get(r) ?? 0;
    rows.set(r, row + 1);
    out.set(n.key, { x: r * (NODE_W + 60) + NODE_W / 2, y: row * (NODE_H + 14) + NODE_H / 2 });
  }
  return out;
}

/**
 * Lays the asset graph out in two levels: each group's assets with dagre (left to right) in a
 * box, then the group boxes with dagre by the dependencies between groups. Keeps 2,000 assets
 * in many groups fast; a very large group falls back to a plain layered layout.
 */
export function layoutGraph(nodes: GraphNode[]): Layout {
  const groups = new Map<string, GraphNode[]>();
  for (const n of nodes) groups.set(n.group, [...(groups.get(n.group) ?? []), n]);
  const groupOf = new Map(nodes.map((n) => [n.key, n.group]));
  const inner = new Map<string, { positions: Map<string, { x: number; y: number }>; edges: Layout['edges']; width: number; height: number }>();
  for (const [name, members] of groups) {
    const keys = new Set(members.map((m) => m.key));
    let positions: Map<string, { x: number; y: number }>;
    const edges: Layout['edges'] = [];
    if (members.length <= DAGRE_LIMIT) {
      const g = new dagre.graphlib.Graph();
      g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 50, marginx: 0, marginy: 0 });
      g.setDefaultEdgeLabel(() => ({}));
      for (const m of members) g.setNode(m.key, { width: NODE_W, height: NODE_H });
      for (const m of members) for (const u of m.upstream) if (keys.has(u)) g.setEdge(u, m.key);
      dagre.layout(g);
      positions = new Map(members.map((m) => [m.key, { x: g.node(m.key).x, y: g.node(m.key).y }]));
      for (const e of g.edges()) edges.push({ from: e.v, to: e.w, points: (g.edge(e).points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })) });
    } else {
      positions = layered(members, keys);
    }
    let width = 0;
    let height = 0;
    for (const p of positions.values()) {
      width = Math.max(width, p.x + NODE_W / 2);
      height = Math.max(height, p.y + NODE_H / 2);
    }
    inner.set(name, { positions, edges, width: width + 2 * PAD, height: height + 2 * PAD + 18 });
  }
  // Group boxes, laid out by the edges between groups.
  const outer = new dagre.graphlib.Graph();
  outer.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 80 });
  outer.setDefaultEdgeLabel(() => ({}));
  for (const [name, box] of inner) outer.setNode(name, { width: box.width, height: box.height });
  for (const n of nodes) for (const u of n.upstream) if (groupOf.get(u) !== n.group && groupOf.has(u)) outer.setEdge(groupOf.get(u)!, n.group);
  dagre.layout(outer);
  const layout: Layout = { nodes: [], groups: [], edges: [], width: 0, height: 0 };
  const absolute = new Map<string, { x: number; y: number }>();
  for (const [name, box] of inner) {
    const center = outer.node(name);
    const left = center.x - box.width / 2;
    const top = center.y - box.height / 2;
    layout.groups.push({ name, x: left, y: top, width: box.width, height: box.height });
    layout.width = Math.max(layout.width, left + box.width);
    layout.height = Math.max(layout.height, top + box.height);
    const at = (p: { x: number; y: number }) => ({ x: left + PAD + p.x, y: top + PAD + 18 + p.y });
    for (const m of groups.get(name)!) {
      const p = at(box.positions.get(m.key)!);
      absolute.set(m.key, p);
      layout.nodes.push({ ...m, ...p });
    }
    for (const e of box.edges) layout.edges.push({ ...e, points: e.points.map(at) });
  }
  // Edges within a fallback-laid group and between groups: straight, right side to left side.
  const drawn = new Set(layout.edges.map((e) => `${e.from}\u0000${e.to}`));
  for (const n of nodes) {
    for (const u of n.upstream) {
      const a = absolute.get(u);
      const b = absolute.get(n.key);
      if (!a || !b || drawn.has(`${u}\u0000${n.key}`)) continue;
      layout.edges.push({ from: u, to: n.key, points: [{ x: a.x + NODE_W / 2, y: a.y }, { x: b.x - NODE_W / 2, y: b.y }] });
    }
  }
  return layout;
}
