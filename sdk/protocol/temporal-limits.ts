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

/** UTF-8 byte length without Node's Buffer (workflow code uses it too). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
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
