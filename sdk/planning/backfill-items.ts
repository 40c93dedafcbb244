import type { BackfillItem, BackfillItemsPage, BackfillPartitions, BackfillRequest } from '../protocol/backfill';
import type { CatalogReader } from '../catalog';
import type { Definitions } from '../definitions/definitions';
import { InvalidRunRequestError } from '../errors';
import { defaultMappingFor, samePartitions, type PartitionContext, type PartitionMapping, type PartitionsDefinition } from '../partitions';
import type { Plan } from '../protocol/plan';
import type { StepSpec } from '../definitions/step-spec';

/** What a backfill needs to know about its plan's steps, worked out once per page. */
interface BackfillShape {
  partitions: PartitionsDefinition;
  /** Partitions per child run: 1 by default, more with a backfill policy, Infinity for a single run. */
  chunkSize: number;
  assetKeys: string[];
  /** Dependencies between assets of the plan, through their partition mappings. */
  edges: { mapping: PartitionMapping }[];
}

/**
 * The partitions definition, chunk size and internal dependencies of a backfill plan.
 *
 * @throws InvalidRunRequestError when the plan has unpartitioned assets or assets partitioned differently.
 */
export function backfillShape(definitions: Definitions, plan: Plan): BackfillShape {
  // Check steps follow their asset's partitions; the shape comes from the asset steps.
  const specs = plan.steps.filter((s) => s.kind !== 'check').map((s) => definitions.steps.get(s.key)!);
  const unpartitioned = specs.filter((s) => s.partitions === null);
  if (unpartitioned.length > 0) {
    throw new InvalidRunRequestError(
      `A backfill runs partitioned assets only, but ${unpartitioned.map((s) => s.owner).join(', ')} ${unpartitioned.length === 1 ? 'is' : 'are'} unpartitioned. Narrow the selection (e.g. a group or "+asset"), and materialize unpartitioned assets with \`stratum materialize\`.`,
    );
  }
  const partitions = specs[0]!.partitions!;
  const different = specs.filter((s) => !samePartitions(s.partitions!, partitions));
  if (different.length > 0) {
    throw new InvalidRunRequestError(
      `A backfill needs every selected asset partitioned the same way; ${specs[0]!.owner} has ${partitions.describe()} but ${different.map((s) => `${s.owner} has ${s.partitions!.describe()}`).join(', ')}. Backfill them separately.`,
    );
  }
  const chunkSize = Math.min(
    ...specs.map((s) => (s.backfillPolicy === null ? 1 : s.backfillPolicy.kind === 'single-run' ? Infinity : s.backfillPolicy.maxPartitionsPerRun)),
  );
  const inPlan = new Set(plan.assetKeys);
  const edges: BackfillShape['edges'] = [];
  for (const spec of specs) {
    for (const up of upstreamAssetsOf(spec)) {
      if (!inPlan.has(up.assetKey)) continue;
      edges.push({ mapping: up.mapping ?? defaultMappingFor(partitions, partitions) });
    }
  }
  return { partitions, chunkSize, assetKeys: plan.assetKeys, edges };
}

function upstreamAssetsOf(spec: StepSpec) {
  return [
    ...Object.values(spec.inputs).flatMap((source) => (source.kind === 'asset' ? [{ assetKey: source.assetKey, mapping: source.mapping }] : [])),
    ...spec.deps,
  ];
}

/** Every partition key a backfill covers, in the definition's order (validated). */
export function backfillKeys(partitions: PartitionsDefinition, selection: BackfillPartitions, ctx: PartitionContext): string[] {
  if ('all' in selection) return partitions.keys(ctx);
  if ('keys' in selection) {
    if (selection.keys.length === 0) throw new InvalidRunRequestError('The backfill names no partitions; pass --partitions k1,k2, --from A --to B, or --all.');
    for (const key of selection.keys) partitions.validateKey(key, ctx);
    const wanted = new Set(selection.keys);
    return partitions.keys(ctx).filter((k) => wanted.has(k));
  }
  return partitions.keysInRange(selection.from, selection.to, ctx);
}

/** The child-run id of a chunk of keys: the key, or `from...to`. */
function itemOf(keys: string[], chunked: boolean): Omit<BackfillItem, 'after'> {
  const first = keys[0]!;
  const last = keys[keys.length - 1]!;
  if (!chunked) return { id: first, partitionKey: first, partitionRange: null };
  return { id: first === last ? first : `${first}...${last}`, partitionKey: null, partitionRange: { from: first, to: last } };
}

/**
 * One page of a backfill's items, `limit` partitions from `offset` of the unfiltered key list:
 * chunked by the backfill policy, filtered by `only` against the catalog, each with the earlier
 * items it must wait for (an asset reading an earlier partition of an asset in the backfill).
 * Items depend only on earlier items: a dependency on a later partition is not awaited.
 */
export async function backfillItemsPage(
  definitions: Definitions,
  catalog: CatalogReader,
  plan: Plan,
  request: { partitions: BackfillPartitions; only: BackfillRequest['only']; offset: number; limit: number },
  ctx: PartitionContext,
): Promise<BackfillItemsPage> {
  const shape = backfillShape(definitions, plan);
  const keys = backfillKeys(shape.partitions, request.partitions, ctx);
  const chunk = Number.isFinite(shape.chunkSize) ? shape.chunkSize : Math.max(1, keys.length);
  const chunked = shape.chunkSize !== 1;
  const start = Math.ceil(request.offset / chunk) * chunk;
  const end = Math.min(keys.length, start + Math.max(chunk, Math.ceil(request.limit / chunk) * chunk));
  const itemIndexOf = new Map(keys.map((k, i) => [k, Math.floor(i / chunk)]));
  const statuses = request.only ? await Promise.all(shape.assetKeys.map((a) => catalog.partitionStatuses(a, keys.slice(start, end)))) : [];

  const items: BackfillItem[] = [];
  let skipped = 0;
  for (let i = start; i < end; i += chunk) {
    const chunkKeys = keys.slice(i, Math.min(end, i + chunk));
    if (request.only) {
      const wanted = chunkKeys.some((k) =>
        statuses.some((byKey) => (request.only === 'missing' ? byKey.get(k)?.status !== 'materialized' : byKey.get(k)?.status === 'failed')),
      );
      if (!wanted) {
        skipped += chunkKeys.length;
        continue;
      }
    }
    const index = i / chunk;
    const after = new Set<number>();
    for (const edge of shape.edges) {
      const upstream = edge.mapping.upstreamKeysForKeys(chunkKeys, { upstream: shape.partitions, downstream: shape.partitions }, ctx);
      for (const key of upstream.keys) {
        const dependency = itemIndexOf.get(key);
        if (dependency !== undefined && dependency < index) after.add(dependency);
      }
    }
    items.push({
      ...itemOf(chunkKeys, chunked),
      after: [...after].sort((a, b) => a - b).map((d) => itemOf(keys.slice(d * chunk, Math.min(keys.length, (d + 1) * chunk)), chunked).id),
    });
  }
  return { items, nextOffset: end < keys.length ? end : null, skipped };
}

/** Items a backfill will run (after `only`), for its progress total; reads the catalog page by page. */
export async function countBackfillItems(
  definitions: Definitions,
  catalog: CatalogReader,
  plan: Plan,
  request: { partitions: BackfillPartitions; only: BackfillRequest['only'] },
  ctx: PartitionContext,
): Promise<{ items: number; first: BackfillItem | null }> {
  if (!request.only) {
    const shape = backfillShape(definitions, plan);
    const keys = backfillKeys(shape.partitions, request.partitions, ctx).length;
    const firstPage = await backfillItemsPage(definitions, catalog, plan, { ...request, offset: 0, limit: 1 }, ctx);
    return { items: Number.isFinite(shape.chunkSize) ? Math.ceil(keys / shape.chunkSize) : Math.min(1, keys), first: firstPage.items[0] ?? null };
  }
  let offset: number | null = 0;
  let items = 0;
  let first: BackfillItem | null = null;
  while (offset !== null) {
    const page: BackfillItemsPage = await backfillItemsPage(definitions, catalog, plan, { ...request, offset, limit: 5_000 }, ctx);
    items += page.items.length;
    first ??= page.items[0] ?? null;
    offset = page.nextOffset;
  }
  return { items, first };
}
