import { BasePartitionMapping, familyOf, type MappedKeys, type PartitionedUpstream, splitByExistence } from './base-partition-mapping';
import type { MappedPartitions, PartitionCardinality } from './partition-mapping';
import { PartitionMappingError } from './partition-mapping-error';
import type { PartitionContext, PartitionsDefinition } from '../definition/partitions-definition';
import type { TimeWindowPartitionsDefinition } from '../definition/time-window-partitions';

/** The JSON form of {@link identityMapping}. */
export interface IdentityMappingSpec {
  readonly kind: 'identity';
}

/**
 * Each downstream partition reads the upstream partition with the same key (Dagster's
 * `IdentityPartitionMapping`). Between time windows of different cadences it reads the upstream
 * windows that overlap the downstream window (Dagster's default `TimeWindowPartitionMapping`), so
 * a daily asset reading an hourly one gets that day's 24 hours — then `cardinalityFor` is `'many'`;
 * a daily asset reading a weekly one gets the week its day lies in (`'one'`).
 */
export class IdentityPartitionMapping extends BasePartitionMapping<'one'> {
  readonly kind = 'identity' as const;
  readonly cardinality = 'one' as const;
  readonly spec: IdentityMappingSpec = { kind: 'identity' };

  validateFor({ upstream, downstream }: MappedPartitions): void {
    if (upstream === null) return;
    if (downstream === null) {
      throw new PartitionMappingError(
        `identityMapping() cannot map an unpartitioned asset onto ${upstream.describe()}: there is no downstream key to match. Use allPartitionsMapping() to read every upstream partition, or lastPartitionMapping() for the latest one.`,
      );
    }
    const problem = identityProblem(upstream, downstream);
    if (problem !== null) throw new PartitionMappingError(`identityMapping() ${problem}`);
  }

  override cardinalityFor({ upstream, downstream }: MappedPartitions): PartitionCardinality {
    if (upstream === null || downstream === null) return 'one';
    return identityCardinality(upstream, downstream);
  }

  protected map(downstreamKey: string | null, { upstream, downstream }: PartitionedUpstream, ctx: PartitionContext): MappedKeys {
    return identityKeys(downstreamKey!, upstream, downstream!, ctx);
  }

  describe(): string {
    return 'identity (same partition key; overlapping windows between time cadences)';
  }
}

/**
 * The default mapping between partitioned assets of the same kind: same key, or overlapping
 * time windows.
 *
 * @example
 * upstream(orders, identityMapping()) // the downstream partition 2024-01-05 reads orders 2024-01-05
 */
export function identityMapping(): IdentityPartitionMapping {
  return new IdentityPartitionMapping();
}

/** Why identity cannot map between two definitions, or null. */
export function identityProblem(upstream: PartitionsDefinition, downstream: PartitionsDefinition): string | null {
  const up = familyOf(upstream);
  const down = familyOf(downstream);
  if (up === 'multi' && down === 'multi' && upstream.kind === 'multi' && downstream.kind === 'multi') {
    const upNames = upstream.dimensions.map((d) => d.name).join(', ');
    const downNames = downstream.dimensions.map((d) => d.name).join(', ');
    if (upNames !== downNames) {
      return `cannot map between multi partitions with different dimensions (${downNames} downstream, ${upNames} upstream); use dimensionMapping() with matching dimension names.`;
    }
    for (const [i, d] of downstream.dimensions.entries()) {
      const inner = identityProblem(upstream.dimensions[i]!.partitions, d.partitions);
      if (inner !== null) return `cannot map dimension ${d.name}: ${inner}`;
    }
    return null;
  }
  if (up !== down) {
    const hint =
      up === 'multi' || down === 'multi'
        ? 'use multiToSingleDimensionMapping({ dimension }) between multi partitions and single-dimension partitions'
        : 'time windows and key lists do not share keys; use allPartitionsMapping(), lastPartitionMapping() or staticMapping()';
    return `cannot map ${downstream.describe()} (downstream) onto ${upstream.describe()} (upstream): ${hint}.`;
  }
  return null;
}

/** Cardinality of identity between two compatible definitions. */
export function identityCardinality(upstream: PartitionsDefinition, downstream: PartitionsDefinition): PartitionCardinality {
  if (upstream.kind === 'time-window' && downstream.kind === 'time-window') return timeWindowsCardinality(upstream, downstream);
  if (upstream.kind === 'multi' && downstream.kind === 'multi') {
    return upstream.dimensions.every((d, i) => identityCardinality(d.partitions, downstream.dimensions[i]!.partitions) === 'one') ? 'one' : 'many';
  }
  return 'one';
}

/**
 * One upstream window per downstream window, or several: `'one'` for the same cadence, and for a
 * coarser upstream whose windows contain the downstream's (a daily asset reading a weekly one
 * gets its week); `'many'` for a finer upstream (a weekly asset reading a daily one gets a record
 * of its days) and for windows that do not line up.
 */
export function timeWindowsCardinality(upstream: TimeWindowPartitionsDefinition, downstream: TimeWindowPartitionsDefinition): PartitionCardinality {
  return upstream.hasSameCadence(downstream) || downstream.windowsNestIn(upstream) ? 'one' : 'many';
}

/** Identity: the same key, or the upstream windows overlapping the downstream window. */
export function identityKeys(key: string, upstream: PartitionsDefinition, downstream: PartitionsDefinition, ctx: PartitionContext): MappedKeys {
  if (upstream.kind === 'time-window' && downstream.kind === 'time-window') {
    if (upstream.hasSameCadence(downstream) && upstream.format === downstream.format) return splitByExistence(upstream, [key], ctx);
    return upstream.keysOverlapping(downstream.timeWindowForKey(key), ctx);
  }
  if (upstream.kind === 'multi' && downstream.kind === 'multi') {
    const parts = downstream.keyParts(key);
    const mapped = upstream.dimensions.map((d, i) => identityKeys(parts[i]!, d.partitions, downstream.dimensions[i]!.partitions, ctx));
    return combineDimensions(mapped[0]!, mapped[1]!);
  }
  return splitByExistence(upstream, [key], ctx);
}

/**
 * Keys of two dimensions combined into multi keys (first dimension outermost): existing where
 * both parts exist, missing where either part is missing.
 */
export function combineDimensions(first: MappedKeys, second: MappedKeys): MappedKeys {
  const out: MappedKeys = { keys: [], missing: [] };
  const firstMissing = new Set(first.missing);
  const secondMissing = new Set(second.missing);
  for (const a of [...first.keys, ...first.missing]) {
    for (const b of [...second.keys, ...second.missing]) {
      (firstMissing.has(a) || secondMissing.has(b) ? out.missing : out.keys).push(`${a}|${b}`);
    }
  }
  return out;
}
