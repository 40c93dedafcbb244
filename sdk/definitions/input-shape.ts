/**
 * Type-level mirror of what `activities/load-inputs.ts` hands an asset function for one input:
 * computed from the upstream's and the downstream's partitions definition TYPES and the mapping
 * type, so a weekly asset reading a daily one is typed `Record<string, T>`, as it receives.
 * Types only; nothing here exists at run time.
 */
import type {
  DynamicPartitionsDefinition,
  MultiPartitionsDefinition,
  PartitionsDefinition,
  StaticPartitionsDefinition,
  TimeWindowPartitionsDefinition,
} from '../partitions';

/**
 * How one input arrives: `'one'` a value (`T`), `'one-or-null'` a value or null (an offset that
 * falls before the first upstream partition or after the last), `'many'` a record by partition
 * key, `'unknown'` either (the types do not tell: a custom cron, a shifted preset, a wide type).
 */
export type InputShape = 'one' | 'one-or-null' | 'many' | 'unknown' | 'unknown-or-null';

/** The value type of a shape. */
export type ValueOfShape<T, S extends InputShape> = S extends 'one'
  ? T
  : S extends 'one-or-null'
    ? T | null
    : S extends 'many'
      ? Record<string, T>
      : S extends 'unknown'
        ? T | Record<string, T>
        : T | Record<string, T> | null;

/** An unpartitioned side of a dependency (asset options leave `partitions` out: `undefined`). */
type Unpartitioned = null | undefined;
/** The default `PartitionsDefinition | null` of an untyped ref: the partitions are not known to the types. */
type IsWide<P> = [PartitionsDefinition] extends [P] ? true : false;

/** Downstream cadences whose windows nest in a coarser upstream cadence (an hour in its day, a day in its week). */
interface NestsIn {
  hour: 'day' | 'week' | 'month';
  day: 'week' | 'month';
  week: never;
  month: never;
}

/** Shape between two time-window cadences read one window to one window (identity, or equal offsets). */
export type WindowShape<TUp extends string, TDown extends string> = string extends TUp
  ? 'unknown'
  : string extends TDown
    ? 'unknown'
    : [TUp] extends [TDown]
      ? [TDown] extends [TUp]
        ? 'one'
        : 'unknown'
      : TDown extends keyof NestsIn
        ? [TUp] extends [NestsIn[TDown]]
          ? 'one'
          : TUp extends keyof NestsIn
            ? 'many'
            : 'unknown'
        : 'unknown';

type KeyList = StaticPartitionsDefinition<any> | DynamicPartitionsDefinition;

/** The shape of a multi dimension against a single-dimension definition of the same family. */
type DimensionShape<TSingle, TDims> = TSingle extends TimeWindowPartitionsDefinition<infer U>
  ? { [N in keyof TDims]: TDims[N] extends TimeWindowPartitionsDefinition<infer D> ? WindowShape<U, D> : never }[keyof TDims]
  : TSingle extends KeyList
    ? 'one'
    : 'unknown';

type AllOne<S> = [S] extends ['one'] ? 'one' : [S] extends ['one' | 'many'] ? 'many' : 'unknown';

/** Identity (the default between partitioned assets): same key, overlapping windows, dimension by dimension. */
export type IdentityShape<TUp, TDown> = [TUp] extends [TimeWindowPartitionsDefinition<infer U>]
  ? [TDown] extends [TimeWindowPartitionsDefinition<infer D>]
    ? WindowShape<U, D>
    : [TDown] extends [MultiPartitionsDefinition<infer DD>]
      ? AllOne<DimensionShape<TUp, DD>>
      : 'unknown'
  : [TUp] extends [MultiPartitionsDefinition<infer UD>]
    ? [TDown] extends [MultiPartitionsDefinition<infer DD>]
      ? AllOne<{ [N in keyof UD & keyof DD]: IdentityShape<UD[N], DD[N]> }[keyof UD & keyof DD]>
      : 'many'
    : [TUp] extends [KeyList]
      ? [TDown] extends [KeyList]
        ? 'one'
        : [TDown] extends [MultiPartitionsDefinition<infer DD>]
          ? AllOne<DimensionShape<TUp, DD>>
          : 'unknown'
      : 'unknown';

/** The shape when a dependency names no mapping (Dagster's defaults, as `defaultMappingFor`). */
export type DefaultShape<TUp, TDown> = [TUp] extends [Unpartitioned] ? 'one' : [TDown] extends [Unpartitioned] ? 'many' : IdentityShape<TUp, TDown>;

/** The shape a time-window mapping gives. */
type TimeWindowShape<TCardinality, TStart, TEnd, TUp, TDown> = [TCardinality] extends ['many']
  ? 'many'
  : [TCardinality] extends ['one']
    ? WithOffset<IdentityShape<TUp, TDown>, TStart, TEnd>
    : 'unknown-or-null';
type WithOffset<S, TStart, TEnd> = [TStart | TEnd] extends [0]
  ? S
  : S extends 'one'
    ? 'one-or-null'
    : S extends 'unknown'
      ? 'unknown-or-null'
      : S;

/** The shape a declared cardinality gives (mappings the types know nothing more about). */
type CardinalityShape<M> = M extends { readonly cardinality: infer C } ? ([C] extends ['one'] ? 'one' : [C] extends ['many'] ? 'many' : 'unknown') : 'unknown';

/** The shape an explicit mapping gives between two definitions. */
export type MappingShape<M, TUp, TDown> = [TUp] extends [Unpartitioned]
  ? 'one'
  : M extends { readonly kind: 'all-partitions' }
    ? 'many'
    : M extends { readonly kind: 'last-partition' }
      ? 'one'
      : M extends { readonly kind: 'static' }
        ? 'many'
        : M extends { readonly kind: 'identity' }
          ? IdentityShape<TUp, TDown>
          : M extends { readonly kind: 'time-window'; readonly cardinality: infer C; readonly _offsets?: readonly [infer S, infer E] }
            ? TimeWindowShape<C, S, E, TUp, TDown>
            : M extends { readonly kind: 'multi-to-single-dimension' }
              ? [TDown] extends [MultiPartitionsDefinition<any>]
                ? IdentityShape<TUp, TDown>
                : 'many'
              : CardinalityShape<M>;

/**
 * A range run (an asset with a backfill policy) reads every upstream partition its range maps
 * to, as a record: one value becomes one value or a record.
 */
type InRangeRun<S extends InputShape, TPolicy> = [TPolicy] extends [undefined] ? S : S extends 'one' ? 'unknown' : S extends 'one-or-null' ? 'unknown-or-null' : S;

/**
 * The shape of one input: `TMapping` is the mapping type, or `undefined` for the default one;
 * `TLegacy` is the mapping's declared cardinality, used when a partitions type is not known
 * (a hand-written `AssetRef<T>`, a definition typed `PartitionsDefinition`).
 */
export type ShapeOf<TUp, TDown, TMapping, TPolicy, TLegacy extends InputShape> = [TUp] extends [Unpartitioned]
  ? 'one'
  : IsWide<TUp> extends true
    ? TLegacy
    : IsWide<TDown> extends true
      ? TLegacy
      : InRangeRun<[TMapping] extends [undefined] ? DefaultShape<TUp, TDown> : MappingShape<TMapping, TUp, TDown>, TPolicy>;
