import type { PartitionMapping, PartitionsDefinition, TimeWindowPartitionMapping } from '../partitions';
import { timeWindowMapping } from '../partitions/mapping/time-window-mapping';
import type { InputShape, ShapeOf, ValueOfShape } from './input-shape';

/**
 * Anything that names an asset and carries its value type (and, for inputs typed by the mapping,
 * its partitions definition type): an asset definition, or one output of a multi-asset. Pass it
 * in `ins` to read the asset typed, or in `deps` to order after it.
 */
export interface AssetRef<T = unknown, TPartitions extends PartitionsDefinition | null = PartitionsDefinition | null> {
  readonly assetKey: string;
  readonly partitions: TPartitions;
  /** Phantom: the type of the asset's value. */
  readonly _value?: T;
}

/** An upstream asset read through a partition mapping. Build it with {@link upstream}. */
export interface AssetInput<
  T = unknown,
  TCardinality extends 'one' | 'many' = 'one' | 'many',
  TNullable extends boolean = boolean,
  TPartitions extends PartitionsDefinition | null = PartitionsDefinition | null,
  TMapping extends PartitionMapping = PartitionMapping,
> {
  readonly kind: 'asset-input';
  readonly asset: AssetRef<T, TPartitions>;
  readonly mapping: TMapping;
  /** Phantom: whether the op receives one value or a record keyed by partition (the mapping's own cardinality). */
  readonly _cardinality?: TCardinality;
  /** Phantom: whether one value may be null (a time-window mapping before the first partition). */
  readonly _nullable?: TNullable;
}

/** Type-only marker: the value type of the asset being defined (its `output` schema's type). */
export interface OwnOutput {
  readonly __stratumOwnOutput: true;
}

/**
 * The asset's own earlier partitions, read through a mapping. Build it with {@link self} or
 * {@link previousPartition}; `asset()` resolves it to the asset's own key.
 */
export interface SelfInput<TMapping extends PartitionMapping = PartitionMapping, T = OwnOutput> {
  readonly kind: 'self-input';
  readonly mapping: TMapping;
  /** Phantom: the value type, {@link OwnOutput} until the asset's output type fills it in. */
  readonly _value?: T;
  /** The same input with its value type named, for an asset without an `output` schema: `self(mapping).as<Row>()`. */
  as<U>(): SelfInput<TMapping, U>;
}

/** What an asset's `ins` accepts for one input. */
export type AssetInputSpec = AssetRef<any, any> | AssetInput<any, any, any, any, any> | SelfInput<any, any>;

type LegacyShape<C, N> = [C] extends ['many'] ? 'many' : [C] extends ['one'] ? ([N] extends [false] ? 'one' : 'one-or-null') : 'unknown-or-null';

/**
 * The value an asset function receives for one input spec, given the downstream asset's
 * partitions type `TDown` (`undefined`: unpartitioned), its backfill policy type and its own
 * output type (for {@link SelfInput}). See the README's table "What each mapping hands the function".
 */
export type AssetInputValue<S, TDown = PartitionsDefinition | null, TPolicy = undefined, TOwn = unknown> =
  S extends SelfInput<infer M, infer T>
    ? ValueOfShape<[T] extends [OwnOutput] ? TOwn : T, ShapeOf<TDown, TDown, M, TPolicy, LegacyShape<M['cardinality'], true>>>
    : S extends AssetInput<infer T, infer C, infer N, infer P, infer M>
      ? ValueOfShape<T, ShapeOf<P, TDown, M, TPolicy, LegacyShape<C, N>>>
      : S extends AssetRef<infer T, infer P>
        ? ValueOfShape<T, ShapeOf<P, TDown, undefined, TPolicy, 'one'>>
        : never;

/** The first argument of an asset function: one typed value per input. */
export type AssetInputValues<TIns, TDown = PartitionsDefinition | null, TPolicy = undefined, TOwn = unknown> = {
  readonly [K in keyof TIns]: AssetInputValue<TIns[K], TDown, TPolicy, TOwn>;
};

/** True when some input of `TIns` reads the asset's own output with its type left to the asset. */
export type ReadsOwnOutput<TIns> = true extends { [K in keyof TIns]: TIns[K] extends SelfInput<any, infer T> ? ([T] extends [OwnOutput] ? true : false) : false }[keyof TIns]
  ? true
  : false;

type CardinalityOf<M> = M extends { readonly cardinality: infer C extends 'one' | 'many' } ? C : 'one' | 'many';
/** A time-window mapping with offsets can point before the first partition: its one value may be null. */
type NullableOf<M> = M extends { readonly kind: 'time-window' } ? true : false;

/**
 * Reads an upstream asset through a partition mapping, e.g. yesterday's partition or all of them.
 * The input's type follows the mapping and both assets' partitions, as the value at run time:
 * one partition gives the value, several a record keyed by partition key, and an offset that can
 * fall outside the upstream's partitions (the day before the first day) `T | null`.
 *
 * @example
 * asset({ key: 'weekly_summary', ins: { events: upstream(events, timeWindowMapping({ startOffset: -6 })) } }, ...)
 */
export function upstream<T, P extends PartitionsDefinition | null, M extends PartitionMapping>(
  asset: AssetRef<T, P>,
  mapping: M,
): AssetInput<T, CardinalityOf<M>, NullableOf<M>, P, M> {
  return { kind: 'asset-input', asset, mapping };
}

/**
 * Reads the asset's own earlier partitions through `mapping` (whose window must end before the
 * partition being computed: `endOffset < 0`). The value is typed by the asset's `output` schema,
 * or named with `.as<T>()`.
 *
 * @example
 * ins: { lastWeek: self(timeWindowMapping({ startOffset: -7, endOffset: -1 })) } // Record<day, value>
 * ins: { lastWeek: self(timeWindowMapping({ startOffset: -7, endOffset: -1 })).as<Row>() }
 */
export function self<M extends PartitionMapping>(mapping: M): SelfInput<M> {
  return selfInput(mapping);
}

function selfInput<M extends PartitionMapping, T>(mapping: M): SelfInput<M, T> {
  const input: SelfInput<M, T> = { kind: 'self-input', mapping, as: <U>() => input as unknown as SelfInput<M, U> };
  return input;
}

/**
 * The asset's own previous partition (yesterday for a daily asset), `null` on its first
 * partition: `self(timeWindowMapping({ startOffset: -1, endOffset: -1 }))`. Typed by the asset's
 * `output` schema, or by `T` when given.
 *
 * @example
 * const cumulative = asset(
 *   { key: 'cumulative', partitions: days, output: Total, ins: { today: views, previous: previousPartition() } },
 *   ({ today, previous }) => ({ total: (previous?.total ?? 0) + today.count }),
 * );
 */
export function previousPartition<T = OwnOutput>(): SelfInput<TimeWindowPartitionMapping<'one', -1, -1>, T> {
  return selfInput<TimeWindowPartitionMapping<'one', -1, -1>, T>(timeWindowMapping({ startOffset: -1, endOffset: -1 }));
}

/** True when a spec is an {@link AssetInput} rather than a plain ref. */
export function isAssetInput(spec: AssetInputSpec): spec is AssetInput {
  return (spec as AssetInput).kind === 'asset-input';
}

/** True when a spec reads the asset's own partitions ({@link self}, {@link previousPartition}). */
export function isSelfInput(spec: AssetInputSpec): spec is SelfInput {
  return (spec as SelfInput).kind === 'self-input';
}

/**
 * `ins` with every {@link SelfInput} replaced by an {@link AssetInput} of the asset itself, as
 * the asset graph and the planner see it.
 */
export function resolveSelfInputs(ins: Record<string, AssetInputSpec> | undefined, own: AssetRef<any, any>): Record<string, AssetInputSpec> | undefined {
  if (ins === undefined || !Object.values(ins).some((spec) => spec !== null && typeof spec === 'object' && isSelfInput(spec))) return ins;
  return Object.fromEntries(Object.entries(ins).map(([name, spec]) => [name, isSelfInput(spec) ? upstream(own, spec.mapping) : spec]));
}

export type { InputShape };
