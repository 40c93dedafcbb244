import type { PartitionMapping, PartitionsDefinition } from '../partitions';

/**
 * Anything that names an asset and carries its value type: an asset definition, or one output
 * of a multi-asset. Pass it in `ins` to read the asset typed, or in `deps` to order after it.
 */
export interface AssetRef<T = unknown> {
  readonly assetKey: string;
  readonly partitions: PartitionsDefinition | null;
  /** Phantom: the type of the asset's value. */
  readonly _value?: T;
}

/** An upstream asset read through a partition mapping. Build it with {@link upstream}. */
export interface AssetInput<T = unknown, TCardinality extends 'one' | 'many' = 'one' | 'many', TNullable extends boolean = boolean> {
  readonly kind: 'asset-input';
  readonly asset: AssetRef<T>;
  readonly mapping: PartitionMapping;
  /** Phantom: whether the op receives one value or a record keyed by partition. */
  readonly _cardinality?: TCardinality;
  /** Phantom: whether one value may be null (a time-window mapping before the first partition). */
  readonly _nullable?: TNullable;
}

/** What an asset's `ins` accepts for one input. */
export type AssetInputSpec = AssetRef<any> | AssetInput<any, any>;

/** The value an op receives for one input spec. */
export type AssetInputValue<S> =
  S extends AssetInput<infer T, infer C, infer N>
    ? [C] extends ['many']
      ? Record<string, T>
      : [C] extends ['one']
        ? [N] extends [false]
          ? T
          : T | null
        : T | Record<string, T> | null
    : S extends AssetRef<infer T>
      ? T
      : never;

/** The first argument of an asset function: one typed value per input. */
export type AssetInputValues<TIns> = { readonly [K in keyof TIns]: AssetInputValue<TIns[K]> };

type CardinalityOf<M> = M extends { readonly cardinality: infer C extends 'one' | 'many' } ? C : 'one' | 'many';
/** A time-window mapping with offsets can point before the first partition: its one value may be null. */
type NullableOf<M> = M extends { readonly kind: 'time-window' } ? true : false;

/**
 * Reads an upstream asset through a partition mapping, e.g. yesterday's partition or all of them.
 * With a mapping that yields many partitions the input is a record keyed by partition key; with a
 * time-window mapping that yields one, the value is null where it would fall before the first
 * partition (an asset reading its own previous day, on its first day).
 *
 * @example
 * asset({ key: 'weekly_summary', ins: { events: upstream(events, timeWindowMapping({ startOffset: -6 })) } }, ...)
 */
export function upstream<T, M extends PartitionMapping>(asset: AssetRef<T>, mapping: M): AssetInput<T, CardinalityOf<M>, NullableOf<M>> {
  return { kind: 'asset-input', asset, mapping };
}

/** True when a spec is an {@link AssetInput} rather than a plain ref. */
export function isAssetInput(spec: AssetInputSpec): spec is AssetInput {
  return (spec as AssetInput).kind === 'asset-input';
}
