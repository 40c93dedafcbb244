/**
 * Pure graph helpers over string nodes: cycle detection that names the cycle, topological order,
 * and up/downstream closures to a depth. Used for assets and for plan steps.
 */
export class DirectedGraph {
  private readonly up = new Map<string, Set<string>>();
  private readonly down = new Map<string, Set<string>>();

  constructor(nodes: Iterable<string>, edges: Iterable<readonly [from: string, to: string]> = []) {
    for (const node of nodes) this.addNode(node);
    for (const [from, to] of edges) this.addEdge(from, to);
  }

  addNode(node: string): void {
    if (!this.up.has(node)) {
      this.up.set(node, new Set());
      this.down.set(node, new Set());
    }
  }

  /** `from` is upstream of `to`. */
  addEdge(from: string, to: string): void {
    this.addNode(from);
    this.addNode(to);
    this.down.get(from)!.add(to);
    this.up.get(to)!.add(from);
  }

  get nodes(): string[] {
    return [...this.up.keys()];
  }

  has(node: string): boolean {
    return this.up.has(node);
  }

  upstreamOf(node: string): string[] {
    return [...(this.up.get(node) ?? [])];
  }

  downstreamOf(node: string): string[] {
    return [...(this.down.get(node) ?? [])];
  }

  /**
   * A cycle as a path that starts and ends on the same node, or null when the graph is a DAG.
   * Depth-first with an explicit stack (no recursion), so a chain of any depth fits.
   */
  findCycle(): string[] | null {
    const state = new Map<string, 'visiting' | 'done'>();
    for (const root of [...this.up.keys()].sort()) {
      if (state.has(root)) continue;
      const path: string[] = [root];
      const pending: string[][] = [[...this.down.get(root)!].sort().reverse()];
      state.set(root, 'visiting');
      while (path.length > 0) {
        const next = pending[pending.length - 1]!.pop();
        if (next === undefined) {
          state.set(path.pop()!, 'done');
          pending.pop();
          continue;
        }
        const seen = state.get(next);
        if (seen === 'visiting') return [...path.slice(path.indexOf(next)), next];
        if (seen === undefined) {
          state.set(next, 'visiting');
          path.push(next);
          pending.push([...this.down.get(next)!].sort().reverse());
        }
      }
    }
    return null;
  }

  /** Nodes in an order where every node comes after its upstream nodes (ties by name). */
  topologicalOrder(): string[] {
    const remaining = new Map([...this.up].map(([node, ups]) => [node, ups.size]));
    const ready = [...remaining].filter(([, n]) => n === 0).map(([node]) => node).sort();
    const order: string[] = [];
    while (ready.length > 0) {
      const node = ready.shift()!;
      order.push(node);
      for (const next of this.down.get(node)!) {
        const left = remaining.get(next)! - 1;
        remaining.set(next, left);
        if (left === 0) {
          ready.push(next);
          ready.sort();
        }
      }
    }
    return order;
  }

  /** Nodes reachable upstream (`direction: 'up'`) or downstream within `depth` hops (Infinity for all). */
  closure(start: string, direction: 'up' | 'down', depth: number): string[] {
    const edges = direction === 'up' ? this.up : this.down;
    const seen = new Set<string>();
    let frontier = [start];
    for (let level = 0; level < depth && frontier.length > 0; level++) {
      const next: string[] = [];
      for (const node of frontier) {
        for (const neighbour of edges.get(node) ?? []) {
          if (!seen.has(neighbour) && neighbour !== start) {
            seen.add(neighbour);
            next.push(neighbour);
          }
        }
      }
      frontier = next;
    }
    return [...seen];
  }
}
