/** The graph a backfill is planned as: nodes, edges from partition mappings, grouping into child runs. */
import { asset, dailyPartitions, Definitions, inMemoryIOManager, timeWindowMapping, weeklyPartitions } from '../../sdk';
import { backfillGraph } from '../../sdk/planning/backfill-graph';
import { createPlan } from '../../sdk/planning/planner';

const days = dailyPartitions({ start: '2024-01-07', end: '2024-02-04' });
const weeks = weeklyPartitions({ start: '2024-01-07', end: '2024-02-04' });
const readings = asset({ key: 'readings', partitions: days }, () => 1);
const cleaned = asset({ key: 'cleaned', partitions: days, ins: { readings } }, ({ readings }) => readings);
const station = asset({ key: 'station_daily', partitions: days, ins: { cleaned }, deps: [{ asset: 'station_daily', mapping: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }] }, ({ cleaned }) => cleaned);
const report = asset({ key: 'report', partitions: days, ins: { station } }, ({ station }) => station);
const weekly = asset({ key: 'weekly', partitions: weeks, ins: { station } }, () => 1);
const total = asset({ key: 'total', ins: { cleaned } }, () => 1);
const defs = new Definitions({ assets: [readings, cleaned, station, report, weekly, total], ioManagers: { default: inMemoryIOManager() } });
const ctx = { now: new Date('2024-06-01T00:00:00Z') };
const graphOf = (grouping: 'asset-partition' | 'partition', from = '2024-01-07', to = '2024-01-20') =>
  backfillGraph(defs, createPlan(defs, { selection: '*', deferPartition: true, partitionContext: ctx }), { partitions: { from, to }, grouping }, ctx);

describe('backfillGraph', () => {
  test('a node per asset partition; weeks overlapping the range; one node for the unpartitioned asset', () => {
    const { nodes } = graphOf('asset-partition');
    expect(nodes.filter((n) => n.step === 'weekly').map((n) => n.label)).toEqual(['2024-01-07', '2024-01-14']);
    expect(nodes.filter((n) => n.step === 'total').map((n) => n.label)).toEqual([null]);
    expect(nodes).toHaveLength(14 * 4 + 2 + 1);
  });

  test('identity chains share a run; a previous-day reader and what reads only it get their own; fan-ins wait for their days', () => {
    const { units, nodes } = graphOf('asset-partition');
    const byId = new Map(units.map((u) => [u.id, u]));
    expect(byId.get('2024-01-08/readings')!.nodes.map((n) => n.step)).toEqual(['readings', 'cleaned']);
    expect(byId.get('2024-01-08/station_daily')!.nodes.map((n) => n.step)).toEqual(['station_daily', 'report']);
    // Its first day has no previous day in the backfill: one run for the whole day.
    expect(byId.get('2024-01-07/readings')!.nodes.map((n) => n.step)).toEqual(['readings', 'cleaned', 'station_daily', 'report']);
    const name = (i: number) => `${nodes[i]!.step}[${nodes[i]!.label}]`;
    const reads = (id: string) => byId.get(id)!.after.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, k) => name(a + k)));
    expect(reads('2024-01-08/station_daily').sort()).toEqual(['cleaned[2024-01-08]', 'station_daily[2024-01-07]']);
    expect(reads('unpartitioned')).toHaveLength(14);
    expect(reads('2024-01-14/weekly')).toEqual(Array.from({ length: 7 }, (_, i) => `station_daily[2024-01-${String(14 + i)}]`));
    // Units come in dependency order.
    const position = new Map<number, number>();
    units.forEach((u, i) => u.nodes.forEach((n) => position.set(n.index, i)));
    units.forEach((u, i) => u.after.forEach(([a, b]) => { for (let x = a; x <= b; x++) expect(position.get(x)!).toBeLessThan(i); }));
  });

  test('partition grouping: one run per definition and partition', () => {
    const { units } = graphOf('partition');
    expect(units).toHaveLength(14 + 2 + 1);
    expect(units[0]!.nodes.map((n) => n.step)).toEqual(['readings', 'cleaned', 'station_daily', 'report']);
  });
});
