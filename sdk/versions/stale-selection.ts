import type { CatalogReader } from '../catalog';
import type { Definitions } from '../definitions/definitions';
import { InvalidRunRequestError } from '../errors';
import type { PartitionContext } from '../partitions';
import { resolveSelection } from '../definitions/selection';
import { AssetStatus, StalenessResolver, type PartitionStaleness } from './staleness';

/** What `materialize --stale-only` would do with a selection, for one partition. */
export interface StaleSelection {
  /** Observable source assets of the selection: observed first, so their new versions count. */
  sources: string[];
  /** Assets to run (missing or stale), in topological order, with why. */
  run: PartitionStaleness[];
  /** Fresh assets left out. */
  skip: PartitionStaleness[];
}

/**
 * Splits the selected assets into the ones to run (missing or stale for `partitionKey`; an
 * unpartitioned asset ignores the key) and the fresh ones to skip, like make. Observable source
 * assets are listed apart: `materialize --stale-only` observes them before working this out.
 *
 * @example
 * const { run, skip } = await staleSelection(defs, catalog, 'group:sales', '2024-03-01');
 * await stratum.materialize({ selection: 'group:sales', partitionKey: '2024-03-01', onlyAssets: run.map((s) => s.assetKey) });
 */
export async function staleSelection(
  definitions: Definitions,
  catalog: CatalogReader,
  selection: string,
  partitionKey: string | null,
  options: { partitionContext?: PartitionContext } = {},
): Promise<StaleSelection> {
  const keys = resolveSelection(definitions, selection);
  const resolver = await StalenessResolver.create(definitions, catalog, options);
  const result: StaleSelection = { sources: [], run: [], skip: [] };
  for (const key of keys) {
    const node = definitions.assetNodes.get(key)!;
    if (node.observable) {
      result.sources.push(key);
      continue;
    }
    if (node.partitions !== null && partitionKey === null) {
      throw new InvalidRunRequestError(`${node.definedBy} is partitioned (${node.partitions.describe()}); say which partition to check with --partition KEY.`);
    }
    const [staleness] = await resolver.staleness(key, [node.partitions === null ? null : partitionKey]);
    (staleness!.status === AssetStatus.Fresh ? result.skip : result.run).push(staleness!);
  }
  return result;
}
