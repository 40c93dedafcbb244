import { DynamicPartitionsDefinition } from './dynamic-partitions';
import { type DimensionPartitionsDefinition, MultiPartitionsDefinition } from './multi-partitions';
import type { PartitionsDefinition, PartitionsSpec } from './partitions-definition';
import { PartitionsDefinitionError } from './partitions-definition-error';
import { StaticPartitionsDefinition } from './static-partitions';
import { TimeWindowPartitionsDefinition } from './time-window-partitions';

/**
 * Builds a partitions definition from its JSON `spec`, e.g. inside a workflow that received a
 * plan. `partitionsDefinitionFromSpec(def.spec)` describes the same partitions as `def`.
 *
 * @example
 * const again = partitionsDefinitionFromSpec(JSON.parse(JSON.stringify(daily)));
 */
export function partitionsDefinitionFromSpec(spec: PartitionsSpec): PartitionsDefinition {
  switch (spec?.kind) {
    case 'time-window':
      return new TimeWindowPartitionsDefinition({
        cron: spec.cron,
        start: new Date(spec.start),
        ...(spec.end !== null ? { end: new Date(spec.end) } : {}),
        timezone: spec.timezone,
        format: spec.format,
        endOffset: spec.endOffset,
      });
    case 'static':
      return new StaticPartitionsDefinition(spec.keys);
    case 'dynamic':
      return new DynamicPartitionsDefinition(spec.name);
    case 'multi':
      return new MultiPartitionsDefinition(
        Object.fromEntries(spec.dimensions.map((d) => [d.name, partitionsDefinitionFromSpec(d.partitions) as DimensionPartitionsDefinition])),
      );
    default:
      throw new PartitionsDefinitionError(`Not a partitions spec: ${JSON.stringify(spec)}. Expected kind time-window, static, dynamic or multi.`);
  }
}

/** True when two definitions describe the same partitions (equal specs). */
export function samePartitions(a: PartitionsDefinition | null, b: PartitionsDefinition | null): boolean {
  if (a === null || b === null) return a === b;
  return a === b || JSON.stringify(a.spec) === JSON.stringify(b.spec);
}
