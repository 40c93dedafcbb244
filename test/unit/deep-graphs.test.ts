import { asset, Definitions, AssetCycleError, type AssetDefinition } from 'stratum';
import { DirectedGraph } from '../../sdk/definitions/asset-graph';

/** A chain `n0 → n1 → … → n(length-1)`. */
function chain(length: number): DirectedGraph {
  const graph = new DirectedGraph([]);
  for (let i = 1; i < length; i++) graph.addEdge(`n${i - 1}`, `n${i}`);
  return graph;
}

describe('deep graphs: cycle checks do not recurse', () => {
  test('a 50,000-node chain has no cycle', () => {
    expect(chain(50_000).findCycle()).toBeNull();
  });

  test('a cycle at the end of a 50,000-node chain is found and named', () => {
    const graph = chain(50_000);
    graph.addEdge('n49999', 'n49997');
    expect(graph.findCycle()).toEqual(['n49997', 'n49998', 'n49999', 'n49997']);
  });

  test('new Definitions() takes a 5,000-deep asset chain', () => {
    let previous: AssetDefinition<number, any, any> = asset({ key: 'deep/a0' }, () => 0);
    const assets = [previous];
    for (let i = 1; i < 5_000; i++) {
      const up = previous;
      previous = asset({ key: `deep/a${i}`, ins: { up } }, ({ up }) => up + 1);
      assets.push(previous);
    }
    expect(new Definitions({ assets }).assetNodes.size).toBe(5_000);
  });

  test('a cycle among assets is still refused, naming it', () => {
    const a = asset({ key: 'cyc/a', deps: ['cyc/b'] }, () => 1);
    const b = asset({ key: 'cyc/b', deps: ['cyc/a'] }, () => 2);
    expect(() => new Definitions({ assets: [a, b] })).toThrow(AssetCycleError);
    expect(() => new Definitions({ assets: [a, b] })).toThrow(/cyc\/a.*cyc\/b.*cyc\/a/);
  });
});
