import { BasePartitionMapping, familyOf, type MappedKeys, type PartitionedUpstream } from './base-partition-mapping';
import { identityCardinality, identityKeys, identityProblem } from './identity-mapping';
import type { MultiPartitionsDefinition } from '../definition/multi-partitions';
import type { MappedPartitions, PartitionCardinality } from './partition-mapping';
import { PartitionMappingError } from './partition-mapping-error';
import type { PartitionContext, PartitionsDefinition } from '../definition/partitions-definition';
import { samePartitions } from '../definition/partitions-from-spec';

/** The JSON form of {@link multiToSingleDimensionMapping}. */
export interface MultiToSingleDimensionMappingSpec {
  readonly kind: 'multi-to-single-dimension';
  /** The dimension of the multi partitions that matches the single-dimension partitions; null = inferred. */
  readonly dimension: string | null;
}

/** Which side is multi, and the dimension that lines up with the other side. */
interface Sides {
  readonly multi: MultiPartitionsDefinition;
  readonly single: PartitionsDefinition;
  readonly multiIsDownstream: boolean;
  readonly dimension: string;
  readonly dimensionIndex: number;
}

/**
 * Maps between multi partitions and single-dimension partitions through one dimension
 * (Dagster's `MultiToSingleDimensionPartitionMapping`), in either direction:
 * - downstream `2024-01-05|us` reads upstream daily `2024-01-05`;
 * - downstream daily `2024-01-05` reads every upstream `2024-01-05|*` (all regions).
 * The dimension and the single side are matched with identity (overlapping windows between
 * time cadences). Create it with {@link multiToSingleDimensionMapping}.
 *
 * Its static `cardinality` is `'many'` (a record by upstream key), since one direction reads
 * several partitions; `cardinalityFor` is `'one'` when the downstream is the multi side.
 */
export class MultiToSingleDimensionPartitionMapping extends BasePartitionMapping<'many'> {
  readonly kind = 'multi-to-single-dimension' as const;
  readonly cardinality = 'many' as const;
  readonly spec: MultiToSingleDimensionMappingSpec;

  /** Use {@link multiToSingleDimensionMapping}. */
  constructor(readonly dimension: string | null = null) {
    super();
    if (dimension !== null && (typeof dimension !== 'string' || dimension.length === 0)) {
      throw new PartitionMappingError(`multiToSingleDimensionMapping: dimension must be a dimension name such as 'date', got ${JSON.stringify(dimension)}.`);
    }
    this.spec = { kind: 'multi-to-single-dimension', dimension };
  }

  validateFor(defs: MappedPartitions): void {
    if (defs.upstream === null) return;
    this.sides(defs);
  }

  override cardinalityFor(defs: MappedPartitions): PartitionCardinality {
    if (defs.upstream === null || defs.downstream === null) return this.cardinality;
    const s = this.sides(defs);
    if (!s.multiIsDownstream) return 'many';
    return identityCardinality(s.single, s.multi.dimensions[s.dimensionIndex]!.partitions);
  }

  protected map(downstreamKey: string | null, defs: PartitionedUpstream, ctx: PartitionContext): MappedKeys {
    const s = this.sides(defs);
    const dimension = s.multi.dimensions[s.dimensionIndex]!.partitions;
    if (s.multiIsDownstream) {
      const part = s.multi.keyParts(downstreamKey!)[s.dimensionIndex]!;
      return identityKeys(part, s.single, dimension, ctx);
    }
    const values = identityKeys(downstreamKey!, dimension, s.single, ctx);
    const others = s.multi.dimensions[1 - s.dimensionIndex]!.partitions.keys(ctx);
    const join = (value: string, other: string) => (s.dimensionIndex === 0 ? `${value}|${other}` : `${other}|${value}`);
    return {
      keys: values.keys.flatMap((v) => others.map((o) => join(v, o))),
      missing: values.missing.flatMap((v) => others.map((o) => join(v, o))),
    };
  }

  describe(): string {
    return `multi to single dimension${this.dimension === null ? '' : ` (${this.dimension})`}`;
  }

  private sides({ upstream, downstream }: MappedPartitions): Sides {
    const fail = (why: string): never => {
      throw new PartitionMappingError(`multiToSingleDimensionMapping(${this.dimension === null ? '' : `{ dimension: '${this.dimension}' }`}) ${why}`);
    };
    if (upstream === null || downstream === null) return fail('needs both assets partitioned; use allPartitionsMapping() or lastPartitionMapping() for an unpartitioned asset.');
    const upMulti = upstream.kind === 'multi';
    const downMulti = downstream.kind === 'multi';
    if (upMulti === downMulti) {
      return fail(`maps multi partitions to single-dimension partitions, but ${upMulti ? 'both sides are' : 'neither side is'} multi partitions${upMulti ? '; use dimensionMapping()' : ''}.`);
    }
    const multi = (downMulti ? downstream : upstream) as MultiPartitionsDefinition;
    const single = downMulti ? upstream : downstream;
    const names = multi.dimensions.map((d) => d.name);
    let dimension = this.dimension;
    if (dimension === null) {
      const same = multi.dimensions.filter((d) => samePartitions(d.partitions, single));
      const compatible = multi.dimensions.filter((d) => familyOf(d.partitions) === familyOf(single));
      const pick = same.length === 1 ? same : compatible;
      if (pick.length !== 1) {
        return fail(`cannot tell which of the dimensions ${names.join(', ')} matches ${single.describe()}; pass { dimension: '${names[0]}' } or another name.`);
      }
      dimension = pick[0]!.name;
    }
    const dimensionIndex = names.indexOf(dimension);
    if (dimensionIndex < 0) return fail(`names dimension "${dimension}", but ${multi.describe()} has dimensions ${names.join(' and ')}.`);
    const dimDef = multi.dimensions[dimensionIndex]!.partitions;
    const problem = downMulti ? identityProblem(single, dimDef) : identityProblem(dimDef, single);
    if (problem !== null) return fail(`cannot match dimension ${dimension}: ${problem}`);
    return { multi, single, multiIsDownstream: downMulti, dimension, dimensionIndex };
  }
}

/**
 * Connects multi partitions and single-dimension partitions through one dimension (inferred
 * when only one fits). The op gets a record by upstream key.
 *
 * @example
 * // downstream by date × region reads the daily upstream of its date
 * upstream(dailyOrders, multiToSingleDimensionMapping({ dimension: 'date' }))
 * // downstream daily reads every region of its date
 * upstream(ordersByDateAndRegion, multiToSingleDimensionMapping({ dimension: 'date' }))
 */
export function multiToSingleDimensionMapping(options: { dimension?: string } = {}): MultiToSingleDimensionPartitionMapping {
  return new MultiToSingleDimensionPartitionMapping(options.dimension ?? null);
}
