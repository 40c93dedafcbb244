import { createHash } from 'node:crypto';

/**
 * The data version of one upstream asset as a step read it, recorded with every materialization
 * (in the step's result in workflow history and in the catalog), so staleness can tell later
 * whether the upstream has changed since.
 */
export interface InputDataVersion {
  /** The upstream asset (read through `ins`, or only depended on through `deps`). */
  assetKey: string;
  /** The upstream partition read, when exactly one was; null when unpartitioned or several were. */
  partitionKey: string | null;
  /** How many upstream partitions were read (1 for an unpartitioned upstream, 0 when a mapping yielded none). */
  partitionCount: number;
  /**
   * The upstream's data version; for several partitions, {@link combinedDataVersion} of every
   * (partition, version) pair, so a change in any one partition (or in the set) changes it.
   */
  dataVersion: string;
}

/** The data version recorded for an upstream partition that was never materialized (or observed). */
export const MISSING_DATA_VERSION = 'missing';

/**
 * One version for a set of upstream partitions: the first 16 hex digits of the SHA-256 of
 * `key=version` lines in the given key order. Exact: any changed, added or removed partition changes it.
 */
export function combinedDataVersion(keys: readonly string[], versionOf: (key: string) => string): string {
  const hash = createHash('sha256');
  for (const key of keys) hash.update(`${key}=${versionOf(key)}\n`);
  return hash.digest('hex').slice(0, 16);
}

/**
 * The {@link InputDataVersion} of one upstream asset: `keys` are the upstream partitions read
 * (null for an unpartitioned upstream), `versionOf` their current data versions.
 */
export function inputDataVersionOf(assetKey: string, keys: readonly string[] | null, versionOf: (key: string | null) => string | undefined): InputDataVersion {
  const version = (key: string | null) => versionOf(key) ?? MISSING_DATA_VERSION;
  if (keys === null) return { assetKey, partitionKey: null, partitionCount: 1, dataVersion: version(null) };
  if (keys.length === 1) return { assetKey, partitionKey: keys[0]!, partitionCount: 1, dataVersion: version(keys[0]!) };
  return { assetKey, partitionKey: null, partitionCount: keys.length, dataVersion: combinedDataVersion(keys, version) };
}
