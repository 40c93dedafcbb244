import { UnserializableValueError } from './unserializable-value-error';

/** Where one value lives: an asset partition, or an op output inside one run. */
export interface StorageSlot {
  /** Set for asset values; null for op outputs of a job. */
  assetKey: string | null;
  /** The step that produces the value. */
  stepKey: string;
  /** Output name within the step (`result` for single-output ops). */
  outputName: string;
  /** Partition of the asset value; null when unpartitioned. */
  partitionKey: string | null;
  /** Run that produced (or produces) the value; op outputs are scoped to their run. */
  runId: string;
}

/** What an IO manager reports after storing a value. */
export interface StoredValue {
  /** Where the value lives, shown in the catalog (`file:///…`, `memory://…`). */
  location: string;
  /** Content hash of the stored bytes; the step's data version. */
  dataVersion: string;
}

/**
 * Stores op outputs and loads op inputs, so values never travel through Temporal payloads
 * (Dagster's IOManager). The default is the filesystem one; tests use the in-memory one;
 * an asset may pick another by key with `ioManager: 'name'`.
 */
export interface IOManager {
  /** Persists `value` for `slot`; must be atomic (a crash never leaves half a value). */
  store(slot: StorageSlot, value: unknown): Promise<StoredValue>;
  /** Loads the value stored for `slot`; rejects with `MissingInputError` when there is none. */
  load(slot: StorageSlot): Promise<unknown>;
  /** Whether a value exists for `slot`. */
  has(slot: StorageSlot): Promise<boolean>;
}

/** Turns values into bytes and back: JSON by default, pluggable per IO manager. */
export interface Serializer {
  /** File extension without the dot, e.g. `json`. */
  readonly extension: string;
  serialize(value: unknown): Buffer;
  deserialize(bytes: Buffer): unknown;
}

/**
 * JSON serialization (the default). Dates become ISO strings and object properties that are
 * `undefined` are left out, as with `JSON.stringify`. A value of `undefined` itself is stored as
 * empty bytes and loads back as `undefined` (so it never shares `null`'s data version). Values
 * JSON cannot hold are refused with an {@link UnserializableValueError} naming their path rather
 * than stored as `null`: `NaN`, `Infinity`, `-Infinity`, `undefined` or a function in an array,
 * a `BigInt`, a function at the top, a cycle.
 */
export const jsonSerializer: Serializer = {
  extension: 'json',
  serialize: (value) => {
    if (value === undefined) return Buffer.alloc(0);
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      if (error instanceof TypeError && /circular/i.test(error.message)) {
        throw new UnserializableValueError('', `contains a cycle (an object that refers back to itself; JSON cannot hold cycles): ${error.message.replace(/\s+/g, ' ')}`);
      }
      throwIfUnserializable(value);
      throw error;
    }
    if (text === undefined) throw new UnserializableValueError('', `is a ${typeof value}, which JSON cannot hold`);
    // NaN, ±Infinity and undefined array items all come out as `null`: look closer only then.
    if (text.includes('null')) throwIfUnserializable(value);
    return Buffer.from(text);
  },
  deserialize: (bytes) => (bytes.length === 0 ? undefined : JSON.parse(bytes.toString('utf8'))),
};

/** Walks `value` as `JSON.stringify` does and throws for the first part JSON would drop or change. */
function throwIfUnserializable(value: unknown): void {
  const paths = new WeakMap<object, string>();
  JSON.stringify(value, function (this: unknown, key: string, item: unknown) {
    const parent = typeof this === 'object' && this !== null ? paths.get(this) : undefined;
    const path = parent === undefined ? '' : Array.isArray(this) ? `${parent}[${key}]` : joinKey(parent, key);
    if (typeof item === 'number' && !Number.isFinite(item)) {
      throw new UnserializableValueError(path, `is ${item} (JSON has no NaN or Infinity and would store null); return null, a string or a finite number, or give the IO manager a serializer that keeps it`);
    }
    if (typeof item === 'bigint') throw new UnserializableValueError(path, 'is a BigInt, which JSON cannot hold; convert it to a string or a number');
    if (Array.isArray(this) && (item === undefined || typeof item === 'function' || typeof item === 'symbol')) {
      throw new UnserializableValueError(path, `is ${item === undefined ? 'undefined' : `a ${typeof item}`} in an array (JSON would store null); use null explicitly`);
    }
    if (typeof item === 'object' && item !== null) paths.set(item, path);
    return item;
  });
}

function joinKey(parent: string, key: string): string {
  const name = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
  if (name === key) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${name}]`;
}

/** The IO manager key used when an asset names none. */
export const DEFAULT_IO_MANAGER_KEY = 'default';
