import type {
  BackfillItemsFailedInput,
  BackfillItemsInput,
  BackfillItemsPage,
  BackfillUnitsBlockedInput,
  BackfillUnitsInput,
  BackfillUnitsPage,
} from '../sdk/protocol/backfill';
import { backfillItemsPage } from '../sdk/planning/backfill-items';
import { backfillGraph, type BackfillGraph } from '../sdk/planning/backfill-graph';
import { backfillUnitsPage } from '../sdk/planning/backfill-units';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { loadPartitionContext } from '../sdk/definitions/partition-context';
import type { PartitionContext } from '../sdk/partitions';
import { recordFailed } from './run-activities';

/** Graphs kept between pages of the same backfill (planning 100,000 asset partitions takes a moment). */
const GRAPHS_KEPT = 4;

/** The activities the `backfill` workflow pages its work through (definitions and catalog live here). */
export function createBackfillActivities(deps: { definitions: Definitions; catalog: Catalog }) {
  const graphs = new Map<string, BackfillGraph>();
  const graphOf = (input: BackfillUnitsInput, ctx: PartitionContext): BackfillGraph => {
    // Keyed by what the graph depends on; `--all` also on the day (new partitions appear).
    const key = JSON.stringify([input.backfillId, input.grouping, input.partitions, 'all' in input.partitions ? ctx.now.toISOString().slice(0, 13) : null]);
    let graph = graphs.get(key);
    if (!graph) {
      graph = backfillGraph(deps.definitions, input.plan, { partitions: input.partitions, grouping: input.grouping }, ctx);
      graphs.set(key, graph);
      while (graphs.size > GRAPHS_KEPT) graphs.delete(graphs.keys().next().value!);
    }
    return graph;
  };
  const contextOf = (plan: BackfillUnitsInput['plan']) =>
    loadPartitionContext(
      deps.catalog,
      deps.definitions,
      plan.steps.map((s) => deps.definitions.steps.get(s.key)?.partitions ?? null),
    );
  return {
    async backfillItems(input: BackfillItemsInput): Promise<BackfillItemsPage> {
      const ctx = await contextOf(input.plan);
      return backfillItemsPage(deps.definitions, deps.catalog, input.plan, input, ctx);
    },
    /** A page of a graph backfill's child runs, in dependency order. */
    async backfillUnits(input: BackfillUnitsInput): Promise<BackfillUnitsPage> {
      const ctx = await contextOf(input.plan);
      return backfillUnitsPage(deps.definitions, deps.catalog, graphOf(input, ctx), input, ctx);
    },
    /** Records the partitions of items that never ran because an item they wait for failed, so `--failed-only` redoes them. */
    async backfillItemsFailed(input: BackfillItemsFailedInput): Promise<void> {
      const partitions = input.plan.steps.map((s) => deps.definitions.steps.get(s.key)?.partitions ?? null).find((p) => p !== null) ?? null;
      const ctx = await loadPartitionContext(deps.catalog, deps.definitions, [partitions]);
      for (const { item, blockedBy } of input.items) {
        const keys = item.partitionRange && partitions ? partitions.keysInRange(item.partitionRange.from, item.partitionRange.to, ctx) : [item.partitionKey];
        await recordFailed(deps.catalog, input.plan.assetKeys, keys, {
          runId: `${input.backfillId}/${item.id}`,
          failedAt: input.failedAt ?? Date.now(),
          error: `not run: partition ${blockedBy} it depends on failed in backfill ${input.backfillId}`,
        });
      }
    },
    /** Records blocked asset partitions (never run: one they read failed) as failed, so `--failed-only` redoes them. */
    async backfillUnitsBlocked(input: BackfillUnitsBlockedInput): Promise<void> {
      const ctx = await contextOf(input.plan);
      for (const { unit, steps, blockedBy } of input.blocked) {
        for (const step of steps) {
          const spec = deps.definitions.steps.get(step);
          if (!spec) continue;
          const keys =
            spec.partitions === null ? [null] : unit.partitionRange ? spec.partitions.keysInRange(unit.partitionRange.from, unit.partitionRange.to, ctx) : [unit.partitionKey];
          await recordFailed(deps.catalog, spec.assetKeys, keys, {
            runId: `${input.backfillId}/${unit.id}`,
            failedAt: input.failedAt,
            error: `blocked: not run because ${blockedBy}, which it reads, failed in backfill ${input.backfillId}`,
          });
        }
      }
    },
  };
}
