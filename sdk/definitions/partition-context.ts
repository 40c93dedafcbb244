import type { CatalogReader } from '../catalog';
import type { Definitions } from './definitions';
import type { PartitionContext, PartitionsDefinition } from '../partitions';

/** Names of the dynamic partitions definitions in `def` (itself or one of its dimensions). */
export function dynamicPartitionNames(def: PartitionsDefinition | null): string[] {
  if (!def) return [];
  if (def.kind === 'dynamic') return [def.name];
  if (def.kind === 'multi') return def.dimensions.flatMap((d) => dynamicPartitionNames(d.partitions));
  return [];
}

/**
 * The context partition maths runs in: the current time and the dynamic partition keys stored
 * in the catalog, for the given partitions definitions (default: every asset's).
 */
export async function loadPartitionContext(
  catalog: CatalogReader,
  definitions: Definitions,
  only?: readonly (PartitionsDefinition | null)[],
): Promise<PartitionContext> {
  const defs = only ?? [...definitions.assetNodes.values()].map((n) => n.partitions);
  const names = new Set(defs.flatMap(dynamicPartitionNames));
  const keys = new Map<string, string[]>();
  for (const name of names) keys.set(name, await catalog.dynamicPartitionKeys(name));
  return { now: new Date(), dynamicKeys: (name) => keys.get(name) ?? [] };
}
