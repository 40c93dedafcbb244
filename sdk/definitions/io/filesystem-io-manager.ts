import { randomUUID } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MissingInputError } from '../../errors';
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
 * Stores each value as a file under `baseDir` (`assets/sales/orders/2024-03-01.json`; partition
 * keys are percent-encoded so that distinct keys always get distinct files, see
 * `pathSegment`), written to a temporary file of its own (`<file>.<uuid>.tmp`) and
 * renamed, so a killed worker never leaves half a file. A small value (up to 64 KiB) that the
 * file already holds byte for byte is not written again: re-materializing an unchanged value
 * leaves its file as it is. Each manager makes a folder once and
 * remembers it (a `mkdir` per store cost about 0.4 ms of the worker's main thread); a folder
 * removed underneath it is made again by the store that finds it missing (`ENOENT`), which then
 * retries its write once.
 *
 * Concurrent writes of one asset partition (two runs, or two workers, materializing it at once)
 * all succeed, and the file then holds exactly one of the written values, whole: the one renamed
 * last (last rename wins). Each write's catalog row records the data version of the bytes that
 * write stored, so the latest row of a slot may describe a value that an overlapping write
 * replaced; materialize a slot from one run at a time when that matters.
 */
export function filesystemIOManager(options: FilesystemIOManagerOptions = {}): IOManager {
  const serializer = options.serializer ?? jsonSerializer;
  const baseDir = options.baseDir !== undefined ? path.resolve(options.baseDir) : defaultStorageDir();
  const fileOf = (slot: StorageSlot) => `${path.join(baseDir, ...slotPath(slot))}.${serializer.extension}`;
  /** Folders this manager has made (or found made): a store into one of them skips its `mkdir`. */
  const folders = new Set<string>();
  const makeFolder = async (folder: string) => {
    await mkdir(folder, { recursive: true });
    folders.add(folder);
  };

  return {
    async store(slot, value): Promise<StoredValue> {
      const file = fileOf(slot);
      const bytes = serializer.serialize(value);
      const folder = path.dirname(file);
      if (!folders.has(folder)) await makeFolder(folder);
      try {
        await writeAtomically(file, bytes);
      } catch (error) {
        // The folder was removed since this manager made it (e.g. storage cleaned by hand): make it again, retry once.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await makeFolder(folder);
        await writeAtomically(file, bytes);
      }
      return { location: pathToFileURL(file).href, dataVersion: dataVersionOf(bytes) };
    },
    async load(slot) {
      const file = fileOf(slot);
      let bytes: Buffer;
      try {
        bytes = await readValueFile(file);
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

/**
 * Values up to this size are written and read with synchronous calls: four thread-pool round
 * trips per write (open, write, close, rename) cost more of the worker's main thread than the
 * few microseconds a small local write blocks it, and 32 steps finishing at once queued behind
 * the pool's four threads. Larger values keep the asynchronous calls, so a slow disk or network
 * file system never holds the event loop (and the heartbeats of running steps) for long.
 */
const SYNC_IO_MAX_BYTES = 64 * 1024;

/** Writes `bytes` to a temporary file of its own (concurrent writes of one slot never share one), then renames it to `file`. */
async function writeAtomically(file: string, bytes: Buffer): Promise<void> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  if (bytes.length <= SYNC_IO_MAX_BYTES) {
    if (holdsBytes(file, bytes)) return;
    try {
      writeFileSync(temporary, bytes);
      renameSync(temporary, file);
    } catch (error) {
      try {
        rmSync(temporary, { force: true });
      } catch {
        // The write's own error is the one to report.
      }
      throw error;
    }
    return;
  }
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Whether `file` already holds exactly `bytes` (a small file only: see {@link SYNC_IO_MAX_BYTES}).
 * A store of an unchanged value then writes nothing: replacing a file by rename costs ext4 a
 * flush of the new file's blocks (`auto_da_alloc`), 0.1 ms alone and 0.6 ms on a busy worker,
 * against a few microseconds to compare. A file of another size is not read.
 */
function holdsBytes(file: string, bytes: Buffer): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    return fstatSync(fd).size === bytes.length && readFileSync(fd).equals(bytes);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/** The bytes of `file`: read synchronously when it is small (see {@link SYNC_IO_MAX_BYTES}), else asynchronously. */
async function readValueFile(file: string): Promise<Buffer> {
  const fd = openSync(file, 'r');
  try {
    if (fstatSync(fd).size <= SYNC_IO_MAX_BYTES) return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
  return readFile(file);
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
