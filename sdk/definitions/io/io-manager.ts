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

/** JSON serialization (the default). Dates become ISO strings, as with `JSON.stringify`. */
export const jsonSerializer: Serializer = {
  extension: 'json',
  serialize: (value) => Buffer.from(JSON.stringify(value === undefined ? null : value)),
  deserialize: (bytes) => JSON.parse(bytes.toString('utf8')),
};

/** The IO manager key used when an asset names none. */
export const DEFAULT_IO_MANAGER_KEY = 'default';
