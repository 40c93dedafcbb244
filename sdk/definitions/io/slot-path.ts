import { createHash } from 'node:crypto';
import { StratumInvariantError } from '../../errors';
import type { StorageSlot } from './io-manager';

/** The segment an unpartitioned asset value is stored under. */
export const UNPARTITIONED_SEGMENT = '__all__';

/** Longest segment kept as it is; file systems allow 255 bytes per name, and the extension and a temporary suffix need room. */
const MAX_SEGMENT_LENGTH = 160;

/**
 * One path segment for a partition key (or run id, step key, output name), distinct for
 * distinct values: characters unsafe in file names are percent-encoded (`:` as `%3A`, `/` as
 * `%2F`, `%` as `%25`, non-ASCII as UTF-8 bytes), `|` stays readable, and a segment that a file
 * system would read differently (`.`, `..`, `...`: any dots-only name) or that would alias the
 * unpartitioned value (`__all__`) gets its first character percent-encoded (`%2E.`, `%5F_all__`).
 * Since `.`, `_` and `*` are otherwise never encoded, these escapes cannot collide with another
 * key's encoding: the mapping is injective. A segment longer than 160 characters keeps its
 * first 100 and ends with `%%` and the SHA-256 of the value (`%%` never occurs otherwise), so
 * every key fits a file name. An empty value has no segment and is refused.
 *
 * @example
 * pathSegment('2024-03-01'); // '2024-03-01'
 * pathSegment('a/b');        // 'a%2Fb'
 * pathSegment('..');         // '%2E.'
 */
export function pathSegment(value: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new StratumInvariantError(`A storage path segment cannot be empty (got ${JSON.stringify(value)}); partition keys, run ids, step keys and output names are non-empty.`);
  }
  const encoded = encodeURIComponent(value).replace(/%7C/g, '|').replace(/\*/g, '%2A');
  if (/^\.+$/.test(encoded)) return `%2E${encoded.slice(1)}`;
  if (encoded === UNPARTITIONED_SEGMENT) return `%5F${encoded.slice(1)}`;
  if (encoded.length > MAX_SEGMENT_LENGTH) {
    const prefix = encoded.slice(0, 100).replace(/%[0-9A-F]?$/, '');
    return `${prefix}%%${createHash('sha256').update(value).digest('hex')}`;
  }
  return encoded;
}

/**
 * Relative path of a slot: `assets/<asset key>/<partition or __all__>` for asset values,
 * `runs/<run id>/<step key>/<output>` for op outputs. Distinct slots get distinct paths (see
 * {@link pathSegment}); asset key segments are letters, digits, `_` and `-`, so they are used as
 * they are.
 */
export function slotPath(slot: StorageSlot): string[] {
  if (slot.assetKey !== null) {
    return ['assets', ...slot.assetKey.split('/'), slot.partitionKey === null ? UNPARTITIONED_SEGMENT : pathSegment(slot.partitionKey)];
  }
  return ['runs', pathSegment(slot.runId), pathSegment(slot.stepKey), pathSegment(slot.outputName)];
}
