/**
 * The Temporal server's default limits that Stratum's names and payloads must fit (server 1.29,
 * `common/dynamicconfig/constants.go`). Pure: workflow code imports this file, so a run can fail a
 * step that could never be scheduled instead of retrying its workflow task forever.
 */

/** One limit: its default value in bytes and the dynamic config setting that changes it. */
export interface TemporalLimit {
  /** Default value, in UTF-8 bytes. */
  readonly bytes: number;
  /** The server's dynamic config key. */
  readonly setting: string;
}

/** Temporal's limits that Stratum checks names and payloads against. */
export const TEMPORAL_LIMITS = {
  /** Workflow ids, workflow and activity types, schedule ids, signal names, task queues (`len(id) > limit` is refused). */
  id: { bytes: 1_000, setting: 'limit.maxIDLength' },
  /** One search attribute value, JSON-encoded. */
  searchAttributeValue: { bytes: 2_048, setting: 'frontend.searchAttributesSizeOfValueLimit' },
  /** All search attributes of one execution together. */
  searchAttributesTotal: { bytes: 40 * 1_024, setting: 'frontend.searchAttributesTotalSizeLimit' },
  /** One payload: a workflow's or an activity's input or result. */
  payload: { bytes: 2 * 1_024 * 1_024, setting: 'limit.blobSize.error' },
} as const satisfies Record<string, TemporalLimit>;

/**
 * UTF-8 byte length without Node's Buffer (workflow code uses it too), by UTF-16 code unit: a
 * surrogate pair is 4 bytes, a lone surrogate 3 (as TextEncoder writes U+FFFD).
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // with the low surrogate's own unit: 4 bytes for the pair
      i += 1;
    } else bytes += 2;
  }
  return bytes;
}

/** `12,345 bytes` (for messages). */
export function formatBytes(bytes: number): string {
  return bytes >= 1_024 * 1_024 ? `${(bytes / (1_024 * 1_024)).toFixed(1)} MB` : `${String(bytes).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} bytes`;
}

/**
 * Why an activity type cannot be scheduled, or null when it can. The `materialize` workflow
 * checks each step key (its activity type) before scheduling it: the server would refuse the
 * command and fail every workflow task of the run, forever.
 */
export function activityTypeProblem(activityType: string): string | null {
  const bytes = utf8Length(activityType);
  if (bytes <= TEMPORAL_LIMITS.id.bytes) return null;
  return (
    `its key (the step's Temporal activity type) is ${formatBytes(bytes)}, over Temporal's limit of ${formatBytes(TEMPORAL_LIMITS.id.bytes)} ` +
    `(${TEMPORAL_LIMITS.id.setting}), so the server refuses to schedule it. Shorten the asset or op key; definitions with such keys are refused when they load`
  );
}

/**
 * What a step over a partition range returns: one record per asset and partition in its
 * activity result (`StepActivityResult.materializations`, or one check result per partition for
 * a check step), which must fit {@link TEMPORAL_LIMITS}`.payload`. Measured with the in-memory IO
 * manager and no metadata: 176 B a record plus its asset key and partition key twice (the key and
 * the storage location), plus 89 B and the upstream's asset and partition key per upstream asset
 * (`inputDataVersions`); e.g. 244 B for `analytics/events`, 371 B for `analytics/cleaned_events`
 * reading it, 337 B in `npm run bench -- large-plans` (2,500 partitions, an 823 KiB result). The
 * planner refuses (or a backfill splits) a range that would pass `budgetBytes`.
 */
export const RANGE_STEP_RESULT = {
  /** Fixed bytes of one materialization record (field names, data version, times, `memory://assets/`). */
  recordBytes: 176,
  /** Fixed bytes of one check result record. */
  checkRecordBytes: 150,
  /** Fixed bytes of one `inputDataVersions` entry. */
  inputBytes: 89,
  /** Per record, for what the measurement lacks: a filesystem path as storage location, a small metadata object. */
  allowanceBytes: 64,
  /** What a range step's result may take: the payload limit less a 512 KiB safety margin (larger metadata, longer paths). */
  budgetBytes: TEMPORAL_LIMITS.payload.bytes - 512 * 1_024,
} as const;

/** The shape of a range step that decides its result's size per partition. */
export interface RangeStepShape {
  /** Asset keys the step materializes (one record each per partition); empty for a check step. */
  readonly assetKeys: readonly string[];
  /** Asset keys it reads or depends on (one `inputDataVersions` entry each per record). */
  readonly upstreamAssetKeys: readonly string[];
  /** A check step: the asset checked and the check's name (one check result per partition). */
  readonly check?: { readonly assetKey: string; readonly name: string };
  /** The longest partition key of the range, in UTF-8 bytes. */
  readonly partitionKeyBytes: number;
}

/** Estimated bytes of a range step's result per partition (see {@link RANGE_STEP_RESULT}). */
export function rangeStepBytesPerPartition(shape: RangeStepShape): number {
  const r = RANGE_STEP_RESULT;
  const key = shape.partitionKeyBytes;
  if (shape.check) return r.checkRecordBytes + r.allowanceBytes + utf8Length(shape.check.assetKey) + utf8Length(shape.check.name) + key;
  const inputs = shape.upstreamAssetKeys.reduce((sum, up) => sum + r.inputBytes + utf8Length(up) + key, 0);
  return shape.assetKeys.reduce((sum, asset) => sum + r.recordBytes + r.allowanceBytes + 2 * utf8Length(asset) + 2 * key + inputs, 0);
}

/** The most partitions one range step of this shape may cover so that its result fits (at least 1). */
export function maxRangeStepPartitions(shape: RangeStepShape): number {
  return Math.max(1, Math.floor(RANGE_STEP_RESULT.budgetBytes / Math.max(1, rangeStepBytesPerPartition(shape))));
}
