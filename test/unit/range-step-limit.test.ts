/**
 * A step over a partition range returns a record per partition: a `materialize --from/--to` whose
 * step result would pass Temporal's payload limit is refused before anything starts, and a
 * backfill under a single-run (or large multi-run) policy splits such a range into child runs.
 */
import { asset, dailyPartitions, Definitions, inMemoryIOManager, multiRunBackfill, RequestOverLimitError, singleRunBackfill, assetCheck } from '../../sdk';
import { backfillGraph } from '../../sdk/planning/backfill-graph';
import { createPlan } from '../../sdk/planning/planner';
import { rangeStepLimit } from '../../sdk/planning/range-step-limit';
import { RANGE_STEP_RESULT, TEMPORAL_LIMITS } from '../../sdk/protocol/temporal-limits';

const START = '2000-01-01';
const days = dailyPartitions({ start: START });
const ctx = { now: new Date('2040-01-01T00:00:00Z') };
const events = asset({ key: 'lp/events', partitions: days, backfillPolicy: singleRunBackfill() }, (_, c) => c.partitionKeys.length);
const cleaned = asset({ key: 'lp/cleaned', partitions: days, backfillPolicy: singleRunBackfill(), ins: { events } }, () => 1);
const summary = asset({ key: 'lp/summary', partitions: days, backfillPolicy: multiRunBackfill(1_000_000), ins: { cleaned } }, () => 2);
const defs = new Definitions({ assets: [events, cleaned, summary], ioManagers: { default: inMemoryIOManager() } });
const dayAfter = (n: number) => new Date(Date.parse(`${START}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('range step limit', () => {
  test('the estimate covers the measured record sizes with a margin, and puts the limit near 4,000 daily partitions', () => {
    // Measured (in-memory IO manager): 337 B a partition for lp/summary reading lp/cleaned (823 KiB for 2,500 partitions).
    const limit = rangeStepLimit(defs, defs.steps.get('lp/summary')!, 10);
    expect(limit.bytesPerPartition).toBeGreaterThanOrEqual(337);
    expect(limit.maxPartitions * 337).toBeLessThan(TEMPORAL_LIMITS.payload.bytes * 0.75);
    expect(limit.maxPartitions).toBe(Math.floor(RANGE_STEP_RESULT.budgetBytes / limit.bytesPerPartition));
    expect(limit.maxPartitions).toBeGreaterThan(3_500);
    // Longer keys, more assets and upstreams lower it.
    expect(rangeStepLimit(defs, defs.steps.get('lp/summary')!, 200).maxPartitions).toBeLessThan(limit.maxPartitions / 2);
    expect(rangeStepLimit(defs, defs.steps.get('lp/events')!, 10).maxPartitions).toBeGreaterThan(limit.maxPartitions);
  });

  test('materialize of a range past the limit is refused before anything starts, naming the asset, the size, the limit and the fix', () => {
    const max = rangeStepLimit(defs, defs.steps.get('lp/summary')!, 10).maxPartitions;
    expect(() => createPlan(defs, { selection: 'lp/summary', partitionRange: { from: START, to: dayAfter(max - 1) }, partitionContext: ctx })).not.toThrow();
    let error: unknown;
    try {
      createPlan(defs, { selection: 'lp/summary', partitionRange: { from: START, to: dayAfter(9_999) }, partitionContext: ctx });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RequestOverLimitError);
    const message = (error as Error).message;
    expect(message).toContain('asset "lp/summary"');
    expect(message).toContain('10,000 partitions');
    expect(message).toContain(`at most ${max.toLocaleString('en-US')} partitions`);
    expect(message).toContain(`multiRunBackfill(${max})`);
    expect(message).toContain('limit.blobSize.error');
    expect((error as RequestOverLimitError).code).toBe('STRATUM_REQUEST_OVER_LIMIT');
  });

  test('a check step on a range counts too', () => {
    const checked = asset({ key: 'checked', partitions: days }, () => 1);
    const check = assetCheck({ asset: checked, name: `c${'x'.repeat(500)}` }, () => ({ passed: true }));
    const withCheck = new Definitions({ assets: [checked], assetChecks: [check], ioManagers: { default: inMemoryIOManager() } });
    const plain = rangeStepLimit(new Definitions({ assets: [checked], ioManagers: { default: inMemoryIOManager() } }), withCheck.steps.get('checked')!, 10);
    expect(rangeStepLimit(withCheck, withCheck.steps.get('checked')!, 10).maxPartitions).toBeLessThan(plain.maxPartitions);
  });

  test('a single-run backfill past the limit is split into child runs of at most the limit, every step on the same ranges', () => {
    const partitions = 10_000;
    const template = createPlan(defs, { selection: '*', deferPartition: true, partitionContext: ctx });
    const graph = backfillGraph(defs, template, { partitions: { from: START, to: dayAfter(partitions - 1) }, grouping: 'asset-partition' }, ctx);
    const max = Math.min(...['lp/events', 'lp/cleaned', 'lp/summary'].map((k) => rangeStepLimit(defs, defs.steps.get(k)!, 10).maxPartitions));
    const runs = Math.ceil(partitions / max);
    expect(graph.units).toHaveLength(runs);
    for (const unit of graph.units) {
      expect(unit.nodes.map((n) => n.step)).toEqual(['lp/events', 'lp/cleaned', 'lp/summary']);
      for (const n of unit.nodes) expect(graph.nodes[n.index]!.keys.length).toBeLessThanOrEqual(max);
    }
    expect(graph.units[0]!.partitionRange).toEqual({ from: START, to: dayAfter(max - 1) });
    expect(graph.units[runs - 1]!.partitionRange!.to).toBe(dayAfter(partitions - 1));
    expect(graph.nodes.filter((n) => n.step === 'lp/events').reduce((sum, n) => sum + n.keys.length, 0)).toBe(partitions);
    // Within the limit, a single-run backfill stays one run.
    expect(backfillGraph(defs, template, { partitions: { from: START, to: dayAfter(max - 1) }, grouping: 'asset-partition' }, ctx).units).toHaveLength(1);
  });
});
