import type { BackfillRequest, BackfillUnit, BackfillUnitsPage } from '../protocol/backfill';
import type { CatalogReader } from '../catalog';
import type { Definitions } from '../definitions/definitions';
import type { PartitionContext } from '../partitions';
import { AssetStatus, StalenessResolver } from '../versions/staleness';
import type { BackfillGraph } from './backfill-graph';

/**
 * One page of a graph backfill's units: `limit` units from `offset` of the unfiltered unit list
 * (a stable order, so a page can be asked again after a worker restart). With `only`, each asset
 * partition is checked against the catalog when its page is fetched: a unit keeps the asset
 * partitions that are missing (`missing`), failed or blocked (`failed`), or missing or stale
 * (`stale`), and is left out when none is. Left-out asset partitions count as done for the
 * units that read them.
 */
export async function backfillUnitsPage(
  definitions: Definitions,
  catalog: CatalogReader,
  graph: BackfillGraph,
  request: { only: BackfillRequest['only']; offset: number; limit: number },
  ctx: PartitionContext,
): Promise<BackfillUnitsPage> {
  const end = Math.min(graph.units.length, request.offset + Math.max(1, request.limit));
  const slice = graph.units.slice(request.offset, end);
  const nextOffset = end < graph.units.length ? end : null;
  if (!request.only) return { units: slice, nextOffset, skipped: 0 };
  const wanted = await wantedNodes(definitions, catalog, graph, slice, request.only, ctx);
  const units: BackfillUnit[] = [];
  let skipped = 0;
  for (const unit of slice) {
    const nodes = unit.nodes.filter((n) => wanted.has(n.index));
    skipped += unit.nodes.length - nodes.length;
    if (nodes.length === 0) continue;
    if (nodes.length === unit.nodes.length) {
      units.push(unit);
      continue;
    }
    const kept = new Set(nodes.map((n) => n.step));
    const droppedSteps = new Set(unit.nodes.filter((n) => !kept.has(n.step)).map((n) => n.step));
    // Check steps follow their asset step: drop the checks of dropped assets.
    units.push({
      ...unit,
      nodes,
      steps: unit.steps.filter((s) => !droppedSteps.has(s) && !droppedSteps.has(graph.checkOwner.get(s) ?? '')),
      definitionsHash: undefined,
    });
  }
  return { units, nextOffset, skipped };
}

/** The node indexes of `units` that `only` keeps. */
async function wantedNodes(
  definitions: Definitions,
  catalog: CatalogReader,
  graph: BackfillGraph,
  units: readonly BackfillUnit[],
  only: NonNullable<BackfillRequest['only']>,
  ctx: PartitionContext,
): Promise<Set<number>> {
  const byStep = new Map<string, number[]>();
  for (const unit of units) for (const n of unit.nodes) byStep.set(n.step, [...(byStep.get(n.step) ?? []), n.index]);
  const wanted = new Set<number>();
  const resolver = only === 'stale' ? new StalenessResolver(definitions, catalog, ctx) : null;
  for (const [step, indexes] of byStep) {
    const spec = definitions.steps.get(step)!;
    const keys = [...new Set(indexes.flatMap((i) => graph.nodes[i]!.keys))];
    const wantedKeys = new Set<string | null>();
    for (const assetKey of spec.assetKeys) {
      if (resolver) {
        const node = definitions.assetNodes.get(assetKey);
        if (!node || node.observable) continue;
        const staleness = await resolver.staleness(assetKey, spec.partitions === null ? [null] : keys);
        for (const s of staleness) if (s.status !== AssetStatus.Fresh) wantedKeys.add(s.partitionKey);
      } else if (spec.partitions === null) {
        const status = (await catalog.partitionStatus(assetKey, null))?.status;
        if (only === 'missing' ? status !== 'materialized' : status === 'failed') wantedKeys.add(null);
      } else {
        const statuses = await catalog.partitionStatuses(assetKey, keys);
        for (const k of keys) {
          const status = statuses.get(k)?.status;
          if (only === 'missing' ? status !== 'materialized' : status === 'failed') wantedKeys.add(k);
        }
      }
    }
    for (const i of indexes) {
      const node = graph.nodes[i]!;
      if (node.keys.length === 0 ? wantedKeys.has(null) : node.keys.some((k) => wantedKeys.has(k))) wanted.add(i);
    }
  }
  return wanted;
}

/** Asset partitions and child runs a graph backfill will run (after `only`); reads the catalog page by page. */
export async function countBackfillUnits(
  definitions: Definitions,
  catalog: CatalogReader,
  graph: BackfillGraph,
  only: BackfillRequest['only'],
  ctx: PartitionContext,
): Promise<{ nodes: number; runs: number; skipped: number }> {
  if (!only) return { nodes: graph.nodes.length, runs: graph.units.length, skipped: 0 };
  let offset: number | null = 0;
  let nodes = 0;
  let runs = 0;
  let skipped = 0;
  while (offset !== null) {
    const page: BackfillUnitsPage = await backfillUnitsPage(definitions, catalog, graph, { only, offset, limit: 2_000 }, ctx);
    runs += page.units.length;
    nodes += page.units.reduce((n, u) => n + u.nodes.length, 0);
    skipped += page.skipped;
    offset = page.nextOffset;
  }
  return { nodes, runs, skipped };
}
