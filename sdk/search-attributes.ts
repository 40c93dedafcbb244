import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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
  /** Id of the backfill that launched the run. */
  backfillId: defineSearchAttributeKey('StratumBackfillId', SearchAttributeType.KEYWORD),
  /** What kind of Stratum execution this is: `run`, `backfill`, `sensor`, `schedule`. */
  kind: defineSearchAttributeKey('StratumKind', SearchAttributeType.KEYWORD),
} as const;

/** `Name=Type` pairs in the form `temporal server start-dev --search-attribute` takes. */
export const searchAttributeDeclarations: readonly string[] = [
  'StratumAssetKeys=KeywordList',
  'StratumJob=Keyword',
  'StratumPartition=Keyword',
  'StratumBackfillId=Keyword',
  'StratumKind=Keyword',
];
