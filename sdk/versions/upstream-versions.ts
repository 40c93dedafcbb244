import type { CatalogReader, AssetVersionRecord } from '../catalog';
import type { Definitions } from '../definitions/definitions';
import { inputDataVersionOf, type InputDataVersion } from './input-data-version';
import { defaultMappingFor, type PartitionContext } from '../partitions';
import type { AssetNode } from '../definitions/step-spec';

/**
 * The upstream partitions one partition of `node` reads (`partitionKey` null for an unpartitioned
 * asset), per upstream asset, through each dependency's partition mapping (inputs and `deps`
 * alike): `null` for an unpartitioned upstream, else the keys in upstream order. Several edges to
 * one upstream asset are merged. Keys the mapping asks for that do not exist are left out.
 */
export function upstreamKeysOf(defs: Definitions, node: AssetNode, partitionKey: string | null, ctx: PartitionContext): Map<string, string[] | null> {
  const result = new Map<string, string[] | null>();
  for (const up of node.upstream) {
    const upstream = defs.assetNodes.get(up.assetKey);
    if (!upstream) continue;
    const mapped = { upstream: upstream.partitions, downstream: node.partitions };
    const mapping = up.mapping ?? defaultMappingFor(upstream.partitions, node.partitions);
    const keys = mapping.upstreamKeysFor(node.partitions === null ? null : partitionKey, mapped, ctx);
    if (!keys.partitioned) {
      result.set(up.assetKey, null);
      continue;
    }
    const before = result.get(up.assetKey);
    result.set(up.assetKey, before ? [...new Set([...before, ...keys.keys])] : keys.keys);
  }
  return result;
}

/** The current data version of upstream partitions: latest materializations, or latest observations of a source. */
export async function currentVersions(
  catalog: CatalogReader,
  defs: Definitions,
  assetKey: string,
  keys: readonly string[] | 'all' | null,
  opts: { withInputs?: boolean } = {},
): Promise<Map<string | null, AssetVersionRecord>> {
  const node = defs.assetNodes.get(assetKey);
  if (node?.observable) return catalog.observedVersions(assetKey, keys);
  return catalog.latestVersions(assetKey, keys, opts);
}

/**
 * The {@link InputDataVersion}s of `node` for each of `partitionKeys` (`[null]` when unpartitioned)
 * as the catalog has them now: one read per upstream asset, however many partitions fan in.
 * What a step records before it loads its inputs, and what staleness compares against.
 */
export async function inputDataVersionsNow(
  catalog: CatalogReader,
  defs: Definitions,
  node: AssetNode,
  partitionKeys: readonly (string | null)[],
  ctx: PartitionContext,
): Promise<Map<string | null, InputDataVersion[]>> {
  const perPartition = new Map(partitionKeys.map((pk) => [pk, upstreamKeysOf(defs, node, pk, ctx)] as const));
  const wanted = new Map<string, Set<string> | null>();
  for (const upstream of perPartition.values()) {
    for (const [assetKey, keys] of upstream) {
      if (keys === null) wanted.set(assetKey, null);
      else {
        const set = wanted.get(assetKey) ?? new Set<string>();
        keys.forEach((k) => set.add(k));
        wanted.set(assetKey, set);
      }
    }
  }
  const versions = new Map<string, Map<string | null, AssetVersionRecord>>();
  for (const [assetKey, keys] of wanted) versions.set(assetKey, await currentVersions(catalog, defs, assetKey, keys === null ? null : [...keys]));
  const result = new Map<string | null, InputDataVersion[]>();
  for (const [pk, upstream] of perPartition) {
    result.set(
      pk,
      [...upstream].map(([assetKey, keys]) => inputDataVersionOf(assetKey, keys, (k) => versions.get(assetKey)!.get(k)?.dataVersion)),
    );
  }
  return result;
}
