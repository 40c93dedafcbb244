import { BasePartitionMapping, type MappedKeys, type PartitionedUpstream } from './base-partition-mapping';
import { combineDimensions, identityMapping } from './identity-mapping';
import type { MultiPartitionsDefinition } from '../definition/multi-partitions';
import type { MappedPartitions, PartitionCardinality, PartitionMapping, PartitionMappingSpec } from './partition-mapping';
import { PartitionMappingError } from './partition-mapping-error';
import type { PartitionContext } from '../definition/partitions-definition';

/** The JSON form of {@link dimensionMapping}. */
export interface DimensionMappingSpec {
  readonly kind: 'dimension';
  readonly dimensions: Readonly<Record<string, PartitionMappingSpec>>;
}

/** `'one'` when every dimension's mapping is `'one'`. */
export type DimensionMappingCardinality<TMappings extends Record<string, PartitionMapping>> = TMappings[keyof TMappings]['cardinality'] extends 'one' ? 'one' : 'many';

/**
 * Maps multi partitions onto multi partitions with the same dimension names, one mapping per
 * dimension (Dagster's `MultiPartitionMapping` with `DimensionPartitionMapping`s). Dimensions
 * not named use `identityMapping()`. The upstream keys are every combination of the keys each
 * dimension's mapping gives. Create it with {@link dimensionMapping}.
 */
export class DimensionPartitionMapping<TCardinality extends PartitionCardinality = PartitionCardinality> extends BasePartitionMapping<TCardinality> {
  readonly kind = 'dimension' as const;
  readonly cardinality: TCardinality;
  readonly spec: DimensionMappingSpec;

  /** Use {@link dimensionMapping}. */
  constructor(readonly mappings: Readonly<Record<string, PartitionMapping>>) {
    super();
    if (typeof mappings !== 'object' || mappings === null) {
      throw new PartitionMappingError(`dimensionMapping needs a mapping per dimension name, e.g. dimensionMapping({ date: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }).`);
    }
    for (const [name, mapping] of Object.entries(mappings)) {
      if (!mapping || typeof (mapping as PartitionMapping).upstreamKeysFor !== 'function') {
        throw new PartitionMappingError(`dimensionMapping: dimension "${name}" needs a partition mapping such as identityMapping() or timeWindowMapping().`);
      }
      if (mapping.kind === 'dimension' || mapping.kind === 'multi-to-single-dimension') {
        throw new PartitionMappingError(`dimensionMapping: dimension "${name}" maps a single dimension, so it cannot use ${mapping.kind} mappings.`);
      }
    }
    this.cardinality = (Object.values(mappings).every((m) => m.cardinality === 'one') ? 'one' : 'many') as TCardinality;
    this.spec = { kind: 'dimension', dimensions: Object.fromEntries(Object.entries(mappings).map(([name, m]) => [name, m.spec])) };
  }

  validateFor({ upstream, downstream }: MappedPartitions): void {
    if (upstream === null) return;
    if (upstream.kind !== 'multi' || downstream?.kind !== 'multi') {
      throw new PartitionMappingError(
        `dimensionMapping() maps multi partitions onto multi partitions, not ${downstream ? downstream.describe() : 'an unpartitioned asset'} onto ${upstream.describe()}. Between multi and single-dimension partitions use multiToSingleDimensionMapping().`,
      );
    }
    const up = upstream.dimensions.map((d) => d.name);
    const down = downstream.dimensions.map((d) => d.name);
    if (up.join('|') !== down.join('|')) {
      throw new PartitionMappingError(`dimensionMapping() needs the same dimension names on both sides; downstream has ${down.join(', ')}, upstream ${up.join(', ')}.`);
    }
    const unknown = Object.keys(this.mappings).filter((n) => !up.includes(n));
    if (unknown.length > 0) throw new PartitionMappingError(`dimensionMapping() names ${unknown.map((n) => `"${n}"`).join(', ')}, which are not dimensions (${up.join(', ')}).`);
    for (const [i, name] of up.entries()) {
      try {
        this.mappingOf(name).validateFor({ upstream: upstream.dimensions[i]!.partitions, downstream: downstream.dimensions[i]!.partitions });
      } catch (error) {
        if (error instanceof PartitionMappingError) throw new PartitionMappingError(`dimensionMapping(), dimension ${name}: ${error.message}`);
        throw error;
      }
    }
  }

  override cardinalityFor({ upstream, downstream }: MappedPartitions): PartitionCardinality {
    if (upstream?.kind !== 'multi' || downstream?.kind !== 'multi') return this.cardinality;
    const each = upstream.dimensions.map((d, i) =>
      this.mappingOf(d.name).cardinalityFor({ upstream: d.partitions, downstream: downstream.dimensions[i]!.partitions }),
    );
    return each.every((c) => c === 'one') ? 'one' : 'many';
  }

  protected map(downstreamKey: string | null, defs: PartitionedUpstream, ctx: PartitionContext): MappedKeys {
    const upstream = defs.upstream as MultiPartitionsDefinition;
    const downstream = defs.downstream as MultiPartitionsDefinition;
    const parts = downstream.keyParts(downstreamKey!);
    const mapped = upstream.dimensions.map((d, i) => {
      const result = this.mappingOf(d.name).upstreamKeysFor(parts[i]!, { upstream: d.partitions, downstream: downstream.dimensions[i]!.partitions }, ctx);
      return { keys: result.keys, missing: result.missing };
    });
    return combineDimensions(mapped[0]!, mapped[1]!);
  }

  describe(): string {
    const named = Object.entries(this.mappings).map(([n, m]) => `${n}: ${m.describe()}`);
    return `by dimension (${named.join('; ')}${named.length ? '; ' : ''}others identity)`;
  }

  private mappingOf(name: string): PartitionMapping {
    return this.mappings[name] ?? identityMapping();
  }
}

/**
 * Maps multi partitions dimension by dimension; unnamed dimensions use identity.
 *
 * @example
 * // each date × region partition reads the previous day of the same region
 * upstream(ordersByDateAndRegion, dimensionMapping({ date: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }))
 */
export function dimensionMapping<const TMappings extends Record<string, PartitionMapping>>(
  mappings: TMappings,
): DimensionPartitionMapping<DimensionMappingCardinality<TMappings>> {
  return new DimensionPartitionMapping(mappings);
}
