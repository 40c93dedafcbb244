import { dataVersionOf } from './data-version';
import { missingInputError } from './filesystem-io-manager';
import { jsonSerializer, type IOManager, type StorageSlot } from './io-manager';
import { slotPath } from './slot-path';

/** An IO manager that also lets tests look at what was stored. */
export interface InMemoryIOManager extends IOManager {
  /** Every stored value by its slot path (`assets/orders/__all__`). */
  readonly values: ReadonlyMap<string, unknown>;
}

/**
 * Keeps values in this worker's memory: for tests and single-process runs. Values are
 * serialized to JSON and back, so a test sees exactly what a filesystem store would give.
 */
export function inMemoryIOManager(): InMemoryIOManager {
  const values = new Map<string, unknown>();
  const keyOf = (slot: StorageSlot) => slotPath(slot).join('/');
  return {
    values,
    async store(slot, value) {
      const bytes = jsonSerializer.serialize(value);
      values.set(keyOf(slot), jsonSerializer.deserialize(bytes));
      return { location: `memory://${keyOf(slot)}`, dataVersion: dataVersionOf(bytes) };
    },
    async load(slot) {
      const key = keyOf(slot);
      if (!values.has(key)) throw missingInputError(slot, `memory://${key}`);
      return values.get(key);
    },
    async has(slot) {
      return values.has(keyOf(slot));
    },
  };
}
