import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { isNamedLocation } from './location';

/**
 * Custom search attributes Stratum sets on every execution it starts, so a person can filter
 * runs in the Temporal web UI, e.g. `StratumAssetKeys = "sales/orders"`.
 *
 * The dev server's SQLite visibility store allows few custom attributes of each type
 * (10 Keyword, 3 KeywordList); this list is the budget Stratum spends.
 */
export const StratumSearchAttributes = {
  /** Every asset key a run materializes. */
  assetKeys: defineSearchAttributeKey('StratumAssetKeys', SearchAttributeType.KEYWORD_LIST),
  /** The job name, or the selection string for ad-hoc materializations. */
  job: defineSearchAttributeKey('StratumJob', SearchAttributeType.KEYWORD),
  /** Partition key of the run (a range run uses `from...to`). */
  partition: defineSearchAttributeKey('StratumPartition', SearchAttributeType.KEYWORD),
  /**
   * First partition key the run covers (its key, or its range's `from`). With
   * {@link StratumSearchAttributes.partitionEnd} it finds every run that covers a partition,
   * range runs included: `StratumPartitionStart <= '2024-01-03' AND StratumPartitionEnd >= '2024-01-03'`
   * (keys compare as text, which is time order for the default key formats).
   */
  partitionStart: defineSearchAttributeKey('StratumPartitionStart', SearchAttributeType.KEYWORD),
  /** Last partition key the run covers (its key, or its range's `to`). */
  partitionEnd: defineSearchAttributeKey('StratumPartitionEnd', SearchAttributeType.KEYWORD),
  /** Id of the backfill that launched the run. */
  backfillId: defineSearchAttributeKey('StratumBackfillId', SearchAttributeType.KEYWORD),
  /** What kind of Stratum execution this is: `run`, `backfill`, `sensor`, `schedule`. */
  kind: defineSearchAttributeKey('StratumKind', SearchAttributeType.KEYWORD),
  /** Name of the sensor that started the run (and of a sensor's own workflow). */
  sensor: defineSearchAttributeKey('StratumSensor', SearchAttributeType.KEYWORD),
  /** Name of the schedule that started the run. */
  schedule: defineSearchAttributeKey('StratumSchedule', SearchAttributeType.KEYWORD),
  /**
   * Code location of a workspace that owns the execution (runs, schedules, sensors), set only for
   * named locations: executions of the default location carry none, so clusters that never
   * registered it keep working. `StratumLocation = "etl"` in the Temporal UI.
   */
  location: defineSearchAttributeKey('StratumLocation', SearchAttributeType.KEYWORD),
} as const;

/** `Name=Type` pairs in the form `temporal server start-dev --search-attribute` takes. */
export const searchAttributeDeclarations: readonly string[] = [
  'StratumAssetKeys=KeywordList',
  'StratumJob=Keyword',
  'StratumPartition=Keyword',
  'StratumPartitionStart=Keyword',
  'StratumPartitionEnd=Keyword',
  'StratumBackfillId=Keyword',
  'StratumKind=Keyword',
  'StratumSensor=Keyword',
  'StratumSchedule=Keyword',
  'StratumLocation=Keyword',
];

/** `StratumLocation` for an execution of a named location; nothing for the default location. */
export function locationSearchAttributes(location: string | undefined | null) {
  return isNamedLocation(location) ? [{ key: StratumSearchAttributes.location, value: location }] : [];
}

/**
 * The partition search attributes of a run of one partition key or of a range: `StratumPartition`
 * (the key, or `from...to`) and `StratumPartitionStart` / `StratumPartitionEnd` (the first and
 * last key covered), so a filter on one partition finds the range runs that cover it whatever
 * the range's length (a list of every covered key would pass Temporal's 2 KB limit on a
 * search attribute value after about 150 daily keys). Empty for an unpartitioned run.
 *
 * @example
 * partitionSearchAttributes(null, { from: '2024-01-01', to: '2024-01-05' });
 * // StratumPartition '2024-01-01...2024-01-05', StratumPartitionStart '2024-01-01', StratumPartitionEnd '2024-01-05'
 */
export function partitionSearchAttributes(partitionKey: string | null, partitionRange: { readonly from: string; readonly to: string } | null) {
  const from = partitionKey ?? partitionRange?.from ?? null;
  const to = partitionKey ?? partitionRange?.to ?? null;
  if (from === null || to === null) return [];
  return [
    { key: StratumSearchAttributes.partition, value: partitionKey ?? `${from}...${to}` },
    { key: StratumSearchAttributes.partitionStart, value: from },
    { key: StratumSearchAttributes.partitionEnd, value: to },
  ];
}

/** Temporal refuses a search attribute value larger than 2 KB (`limit.searchAttributeSizePerValue`). */
const MAX_SEARCH_ATTRIBUTE_BYTES = 2_048;

/**
 * As many of `values` as fit in one keyword-list search attribute (in order), so a run over
 * hundreds of assets still starts; the rest stay findable through the job or selection.
 */
export function fitKeywordList(values: readonly string[], maxBytes = MAX_SEARCH_ATTRIBUTE_BYTES - 100): string[] {
  const kept: string[] = [];
  let size = 2; // the brackets of the JSON array
  for (const value of values) {
    const added = utf8Length(JSON.stringify(value)) + (kept.length > 0 ? 1 : 0);
    if (size + added > maxBytes) break;
    kept.push(value);
    size += added;
  }
  return kept;
}

/** UTF-8 byte length without Node's Buffer (this file is also used by workflow code). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
