import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MissingInputError } from '../../errors/errors';
import { defaultStorageDir } from '../settings';
import { dataVersionOf } from './data-version';
import { jsonSerializer, type IOManager, type Serializer, type StorageSlot, type StoredValue } from './io-manager';
import { slotPath } from './slot-path';

/** Options of {@link filesystemIOManager}. */
export interface FilesystemIOManagerOptions {
  /** Root folder. Default: `STRATUM_STORAGE_DIR`, else `<stratumHome>/storage` (`.stratum/storage` under the working directory, or under `STRATUM_HOME`). */
  baseDir?: string;
  /** Default: JSON. */
  serializer?: Serializer;
}

/**
 * Stores each value as a file under `baseDir` (`assets/sales/orders/2024-03-01.json`),
 * written to a temporary name and renamed, so a killed worker never leaves half a file.
 */
export function filesystemIOManager(options: FilesystemIOManagerOptions = {}): IOManager {
  const serializer = options.serializer ?? jsonSerializer;
  const baseDir = options.baseDir !== undefined ? path.resolve(options.baseDir) : defaultStorageDir();
  const fileOf = (slot: StorageSlot) => `${path.join(baseDir, ...slotPath(slot))}.${serializer.extension}`;

  return {
    async store(slot, value): Promise<StoredValue> {
      const file = fileOf(slot);
      const bytes = serializer.serialize(value);
      await mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(temporary, bytes);
      await rename(temporary, file);
      return { location: pathToFileURL(file).href, dataVersion: dataVersionOf(bytes) };
    },
    async load(slot) {
      const file = fileOf(slot);
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw missing(slot, file);
        throw error;
      }
      return serializer.deserialize(bytes);
    },
    async has(slot) {
      try {
        await stat(fileOf(slot));
        return true;
      } catch {
        return false;
      }
    },
  };
}

function missing(slot: StorageSlot, where: string): MissingInputError {
  const what = slot.assetKey !== null
    ? `asset "${slot.assetKey}"${slot.partitionKey !== null ? ` partition ${slot.partitionKey}` : ''}`
    : `output "${slot.outputName}" of step "${slot.stepKey}" in run ${slot.runId}`;
  const fix = slot.assetKey !== null
    ? ` Materialize it first (\`stratum materialize ${slot.assetKey}${slot.partitionKey !== null ? ` --partition ${slot.partitionKey}` : ''}\`) or include it in the selection (\`+${slot.assetKey}\` style).`
    : '';
  return new MissingInputError(`No stored value for ${what} (looked in ${where}).${fix}`);
}

export { missing as missingInputError };
