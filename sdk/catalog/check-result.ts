/** Outcome of one evaluation of an asset check (a const object plus a type of the same name). */
export const CheckOutcome = {
  Passed: 'passed',
  Failed: 'failed',
  /** The check function threw; a later attempt of the same run replaces this result. */
  Errored: 'errored',
} as const;
/** @see {@link CheckOutcome} */
export type CheckOutcome = (typeof CheckOutcome)[keyof typeof CheckOutcome];

/** What `recordCheckResult` stores: one check evaluated on one asset partition by one run. */
export interface CheckResultInput {
  runId: string;
  /** The check's step key (`sales/orders:check:row_count`). */
  stepKey: string;
  assetKey: string;
  /** `null` for an unpartitioned asset. */
  partitionKey: string | null;
  checkName: string;
  outcome: CheckOutcome;
  severity: 'error' | 'warn';
  blocking: boolean;
  description: string | null;
  /** JSON-serializable metadata the check returned. */
  metadata: Record<string, unknown>;
  /** Epoch ms. */
  evaluatedAt: number;
  /** 1-based attempt number of the check step. */
  attempt: number;
}

/** A stored check result; `id` grows with insertion and is the paging cursor of histories. */
export interface CheckResultRecord extends CheckResultInput {
  id: number;
}

/** Options of `Catalog.checkHistory`. */
export interface CheckHistoryOptions {
  /** Only this check. */
  checkName?: string;
  /** `undefined`: every partition; `null`: unpartitioned only; a string: that partition. */
  partitionKey?: string | null;
  /** Page size (default 100). */
  limit?: number;
  /** Cursor: results older than the one with this id. */
  beforeId?: number;
}
