import type { StorageSlot } from './io-manager';

/** Partition keys may hold characters that are unsafe in file names (`|`, `:`); encode them. */
function safeSegment(value: string): string {
  return encodeURIComponent(value).replace(/%7C/g, '|').replace(/\*/g, '%2A');
}

/**
 * Relative path of a slot: `assets/<asset key>/<partition or __all__>` for asset values,
 * `runs/<run id>/<step key>/<output>` for op outputs.
 */
export function slotPath(slot: StorageSlot): string[] {
  if (slot.assetKey !== null) {
    return ['assets', ...slot.assetKey.split('/'), slot.partitionKey === null ? '__all__' : safeSegment(slot.partitionKey)];
  }
  return ['runs', safeSegment(slot.runId), safeSegment(slot.stepKey), safeSegment(slot.outputName)];
}
