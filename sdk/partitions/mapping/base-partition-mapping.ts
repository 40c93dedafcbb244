import { PartitionKeyError } from '../keys/partition-key-error';
import type { PartitionKeyRange } from '../keys/partition-key-range';
import type {
  MappedPartitions,
  PartitionCardinality,
  PartitionMapping,
  PartitionMappingKind,
  PartitionMappingSpec,
  UpstreamPartitions,
} from './partition-mapping';
import { sortPartitionKeys } from '../keys/partition-order';
import type { PartitionContext, PartitionsDefinition } from '../definition/partitions-definition';

/** Upstream keys of one downstream partition, before sorting: existing and missing. */
export interface MappedKeys {
  keys: string[];
  missing: string[];
}

/** Definitions with the upstream known to be partitioned. */
export interface PartitionedUpstream {
  readonly upstream: PartitionsDefinition;
  readonly downstream: PartitionsDefinition | null;
}

/**
 * Shared behaviour of the mappings: checks the definitions and the downstream key, handles an
 * unpartitioned upstream, unions and sorts keys for several downstream keys. Subclasses map one
 * downstream key.
 */
export abstract class BasePartitionMapping<TCardinality extends PartitionCardinality> implements PartitionMapping<TCardinality> {
  abstract readonly kind: PartitionMappingKind;
  abstract readonly cardinality: TCardinality;
  abstract readonly spec: PartitionMappingSpec;

  /** Upstream keys for one (already validated) downstream key; `null` for an unpartitioned downstream. */
  protected abstract map(downstreamKey: string | null, defs: PartitionedUpstream, ctx: PartitionContext): MappedKeys;
  abstract validateFor(defs: MappedPartitions): void;
  abstract describe(): string;

  cardinalityFor(_defs: MappedPartitions): PartitionCardinality {
    return this.cardinality;
  }

  upstreamKeysFor(downstreamKey: string | null, defs: MappedPartitions, ctx: PartitionContext): UpstreamPartitions {
    return this.upstreamKeysForKeys(downstreamKey === null ? [] : [downstreamKey], defs, ctx);
  }

  upstreamKeysForKeys(downstreamKeys: readonly string[], defs: MappedPartitions, ctx: PartitionContext): UpstreamPartitions {
    this.validateFor(defs);
    const { upstream, downstream } = defs;
    if (downstream === null && downstreamKeys.length > 0) {
      throw new PartitionKeyError(
        downstreamKeys.join(', '),
        'format',
        `The downstream asset is unpartitioned, so it has no partition ${downstreamKeys.join(', ')}; pass null (no partition key).`,
      );
    }
    if (downstream !== null && downstreamKeys.length === 0) {
      throw new PartitionKeyError('', 'format', `The downstream asset is partitioned (${downstream.describe()}); pass the downstream partition key(s) to map.`);
    }
    if (upstream === null) return { partitioned: false, keys: [], missing: [], cardinality: 'one' };
    const cardinality = downstreamKeys.length > 1 ? 'many' : this.cardinalityFor(defs);
    if (downstream === null) {
      const mapped = this.map(null, { upstream, downstream }, ctx);
      return { partitioned: true, keys: sortPartitionKeys(upstream, mapped.keys, ctx), missing: sortPartitionKeys(upstream, mapped.missing, ctx), cardinality };
    }
    const keys = new Set<string>();
    const missing = new Set<string>();
    for (const key of downstreamKeys) {
      downstream.validateKey(key, ctx);
      const mapped = this.map(key, { upstream, downstream }, ctx);
      mapped.keys.forEach((k) => keys.add(k));
      mapped.missing.forEach((k) => missing.add(k));
    }
    return {
      partitioned: true,
      keys: sortPartitionKeys(upstream, keys, ctx),
      missing: sortPartitionKeys(upstream, [...missing].filter((k) => !keys.has(k)), ctx),
      cardinality,
    };
  }

  upstreamKeysForRange(range: PartitionKeyRange, defs: MappedPartitions, ctx: PartitionContext): UpstreamPartitions {
    if (defs.downstream === null) {
      throw new PartitionKeyError(`${range.from}...${range.to}`, 'format', `The downstream asset is unpartitioned, so it has no partition range ${range.from}...${range.to}; pass no range.`);
    }
    return this.upstreamKeysForKeys(defs.downstream.keysInRange(range.from, range.to, ctx), defs, ctx);
  }

  toJSON(): PartitionMappingSpec {
    return this.spec;
  }
}

/** Keys split into those that exist in `def` at `ctx.now` and those that do not. */
export function splitByExistence(def: PartitionsDefinition, keys: readonly string[], ctx: PartitionContext): MappedKeys {
  const out: MappedKeys = { keys: [], missing: [] };
  for (const key of keys) (def.hasKey(key, ctx) ? out.keys : out.missing).push(key);
  return out;
}

/** Kind family for compatibility checks: time windows, or lists of keys. */
export function familyOf(def: PartitionsDefinition): 'time' | 'list' | 'multi' {
  return def.kind === 'time-window' ? 'time' : def.kind === 'multi' ? 'multi' : 'list';
}
