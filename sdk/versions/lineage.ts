import type { Definitions } from '../definitions/definitions';
import { InvalidRunRequestError, UnknownSelectionError } from '../errors';
import { suggestSimilar } from '../errors/suggest';

/** Which way {@link assetLineage} walks from its asset. */
export type LineageDirection = 'upstream' | 'downstream' | 'both';

/** One asset in a lineage graph. */
export interface LineageNode {
  assetKey: string;
  /** Hops from the root: negative upstream, positive downstream, 0 for the root. */
  depth: number;
  group: string;
  partitioned: boolean;
  /** True for an observable source asset. */
  observable: boolean;
}

/** The graph around one asset: nodes within the depth, and every edge between them (upstream → downstream). */
export interface LineageGraph {
  root: string;
  direction: LineageDirection;
  /** The depth asked for (Infinity: all). */
  depth: number;
  /** The root first, then by distance. */
  nodes: LineageNode[];
  edges: { from: string; to: string }[];
}

/** Options of {@link assetLineage}. */
export interface LineageOptions {
  direction?: LineageDirection;
  /** Hops to walk (default: all). */
  depth?: number;
}

/**
 * The lineage of an asset: its upstream assets, downstream assets or both, to a depth.
 *
 * @example
 * const graph = assetLineage(defs, 'sales/revenue', { direction: 'upstream', depth: 2 });
 * console.log(lineageToMermaid(graph));
 */
export function assetLineage(defs: Definitions, assetKey: string, options: LineageOptions = {}): LineageGraph {
  const direction = options.direction ?? 'both';
  const depth = options.depth ?? Infinity;
  if (!(depth === Infinity || (Number.isInteger(depth) && depth >= 0))) {
    throw new InvalidRunRequestError(`The lineage depth must be a whole number >= 0, got ${depth}.`);
  }
  if (!defs.assetNodes.has(assetKey)) {
    throw new UnknownSelectionError([{ term: assetKey, suggestions: suggestSimilar(assetKey, defs.assetNodes.keys()) }], '`stratum assets list` shows every asset.');
  }
  const depths = new Map<string, number>([[assetKey, 0]]);
  const walk = (sign: -1 | 1) => {
    let frontier = [assetKey];
    for (let level = 1; level <= depth && frontier.length > 0; level++) {
      const next: string[] = [];
      for (const key of frontier) {
        for (const neighbour of sign < 0 ? defs.assetGraph.upstreamOf(key) : defs.assetGraph.downstreamOf(key)) {
          if (depths.has(neighbour)) continue;
          depths.set(neighbour, sign * level);
          next.push(neighbour);
        }
      }
      frontier = next.sort();
    }
  };
  if (direction !== 'downstream') walk(-1);
  if (direction !== 'upstream') walk(1);
  const nodes = [...depths]
    .map(([key, d]) => {
      const node = defs.assetNodes.get(key)!;
      return { assetKey: key, depth: d, group: node.group, partitioned: node.partitions !== null, observable: node.observable === true };
    })
    .sort((a, b) => Math.abs(a.depth) - Math.abs(b.depth) || a.depth - b.depth || a.assetKey.localeCompare(b.assetKey));
  const edges: { from: string; to: string }[] = [];
  for (const { assetKey: to } of nodes) {
    for (const from of defs.assetGraph.upstreamOf(to).sort()) if (depths.has(from)) edges.push({ from, to });
  }
  return { root: assetKey, direction, depth, nodes, edges };
}

/** A status to print next to each node (`fresh`, `stale (code version changed)`…), by asset key. */
export type LineageLabels = ReadonlyMap<string, string>;

/**
 * An indented tree: the root, then its upstream assets (`<-`) and downstream assets (`->`), each
 * with its label. Every asset is drawn with its subtree at its own level (its distance from the
 * root); where it is also reached from farther away it is printed without its subtree (`…` when
 * it has one).
 *
 * @example
 * // c -> b -> a -> root, and b -> root:
 * // root
 * // ├─ <- a
 * // │  └─ <- b …
 * // └─ <- b
 * //    └─ <- c
 */
export function lineageToText(graph: LineageGraph, labels: LineageLabels = new Map()): string {
  const inGraph = new Set(graph.nodes.map((n) => n.assetKey));
  const level = new Map(graph.nodes.map((n) => [n.assetKey, Math.abs(n.depth)]));
  const sorted = (keys: string[]) => [...new Set(keys)].sort();
  const up = (key: string) => sorted(graph.edges.filter((e) => e.to === key && inGraph.has(e.from)).map((e) => e.from));
  const down = (key: string) => sorted(graph.edges.filter((e) => e.from === key && inGraph.has(e.to)).map((e) => e.to));
  const label = (key: string) => (labels.get(key) ? `  ${labels.get(key)}` : '');
  const lines = [`${graph.root}${label(graph.root)}`];
  const seen = new Set<string>([graph.root]);
  type Child = { key: string; arrow: '<-' | '->'; next: (k: string) => string[] };
  const tree = (key: string, children: Child[], prefix: string) => {
    const depth = level.get(key) ?? 0;
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      const grandchildren = child.next(child.key);
      const expand = !seen.has(child.key) && level.get(child.key) === depth + 1;
      lines.push(`${prefix}${last ? '└─' : '├─'} ${child.arrow} ${child.key}${label(child.key)}${!expand && grandchildren.length > 0 ? ' …' : ''}`);
      if (expand) {
        seen.add(child.key);
        tree(child.key, grandchildren.map((k) => ({ key: k, arrow: child.arrow, next: child.next })), `${prefix}${last ? '   ' : '│  '}`);
      }
    });
  };
  const rootChildren: Child[] = [
    ...(graph.direction !== 'downstream' ? up(graph.root).map((key) => ({ key, arrow: '<-' as const, next: up })) : []),
    ...(graph.direction !== 'upstream' ? down(graph.root).map((key) => ({ key, arrow: '->' as const, next: down })) : []),
  ];
  tree(graph.root, rootChildren, '');
  return lines.join('\n');
}

/** Graphviz DOT (`stratum assets lineage KEY --format dot | dot -Tsvg > lineage.svg`), nodes coloured by status. */
export function lineageToDot(graph: LineageGraph, labels: LineageLabels = new Map()): string {
  const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const colour = (label: string | undefined) =>
    label?.startsWith('stale') ? 'orange' : label?.startsWith('missing') ? 'grey' : label?.startsWith('fresh') || label?.startsWith('observed') ? 'palegreen' : 'white';
  const lines = ['digraph lineage {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled"];'];
  for (const node of graph.nodes) {
    const label = labels.get(node.assetKey);
    const text = label ? `${node.assetKey}\\n${label.replace(/"/g, "'")}` : node.assetKey;
    lines.push(`  ${quote(node.assetKey)} [label="${text}", fillcolor=${colour(label)}${node.assetKey === graph.root ? ', penwidth=2' : ''}${node.observable ? ', shape=cylinder' : ''}];`);
  }
  for (const edge of graph.edges) lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)};`);
  lines.push('}');
  return lines.join('\n');
}

/** A Mermaid flowchart (paste into Markdown), nodes classed by status. */
export function lineageToMermaid(graph: LineageGraph, labels: LineageLabels = new Map()): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.assetKey, `n${i}`]));
  const escape = (s: string) => s.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  for (const node of graph.nodes) {
    const label = labels.get(node.assetKey);
    const text = escape(label ? `${node.assetKey}<br/>${label}` : node.assetKey);
    lines.push(node.observable ? `  ${ids.get(node.assetKey)}[("${text}")]` : `  ${ids.get(node.assetKey)}["${text}"]`);
  }
  for (const edge of graph.edges) lines.push(`  ${ids.get(edge.from)} --> ${ids.get(edge.to)}`);
  const classes: Record<string, string> = { stale: 'fill:#fdba74', missing: 'fill:#d1d5db', fresh: 'fill:#bbf7d0' };
  for (const [name, style] of Object.entries(classes)) {
    const members = graph.nodes.filter((n) => labels.get(n.assetKey)?.startsWith(name) || (name === 'fresh' && labels.get(n.assetKey)?.startsWith('observed'))).map((n) => ids.get(n.assetKey));
    if (members.length > 0) lines.push(`  classDef ${name} ${style}`, `  class ${members.join(',')} ${name}`);
  }
  return lines.join('\n');
}
