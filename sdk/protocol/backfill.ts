/**
 * Backfill contract shared by the client, the `backfill` workflow and its activity. Pure types
 * and constants: workflow code imports this file.
 */
import type { Plan, PlanPartitionRange } from './plan';

/** Which partitions a backfill covers. */
export type BackfillPartitions = { from: string; to: string } | { keys: string[] } | { all: true };

/** What a user asks for: `stratum backfill start`. */
export interface BackfillRequest {
  /** Asset selection; give this or `job`. */
  selection?: string;
  /** Job name; give this or `selection`. */
  job?: string;
  partitions: BackfillPartitions;
  /** Child runs in flight at once. Default 8; at most 1,000. */
  maxConcurrent?: number;
  /** `missing`: skip partitions the catalog already has; `failed`: only partitions whose last attempt failed. */
  only?: 'missing' | 'failed' | null;
  /** Times a failed partition run is started again before it counts as failed. Default 0. */
  partitionRetries?: number;
  /** Run config, as for `materialize`. */
  config?: Record<string, unknown>;
  tags?: Record<string, string>;
  /** Default: a new id like `20240301-120000-ab12`. */
  backfillId?: string;
  /**
   * Continue-as-new after this many child runs in one workflow run (tests lower it). Default 2,000;
   * Temporal's own suggestion (4 MB or 4,096 events of history) usually comes first.
   */
  childrenPerWorkflowRun?: number;
}

/** One child run of a backfill: one partition, or a range of them (backfill policy). */
export interface BackfillItem {
  /** The partition key, or `from...to` for a range. Unique within the backfill; ends the child's workflow id. */
  id: string;
  partitionKey: string | null;
  partitionRange: PlanPartitionRange | null;
  /** Ids of earlier items this one waits for (an asset reading an earlier partition of one in the backfill). */
  after: string[];
}

/** A page of items, from the `stratum.backfillItems` activity. */
export interface BackfillItemsPage {
  items: BackfillItem[];
  /** Offset of the next page in the unfiltered partition list, or null when there is none. */
  nextOffset: number | null;
  /** Partitions skipped by `only` in this page. */
  skipped: number;
}

/** Input of the `stratum.backfillItems` activity. */
export interface BackfillItemsInput {
  backfillId: string;
  /** The backfill's template plan (its steps and assets). */
  plan: Plan;
  partitions: BackfillPartitions;
  only: BackfillRequest['only'];
  offset: number;
  limit: number;
}

/** Input of the `stratum.backfillItemsFailed` activity: items failed without running because an item they wait for failed. */
export interface BackfillItemsFailedInput {
  backfillId: string;
  plan: Plan;
  items: { item: BackfillItem; blockedBy: string }[];
  /** Epoch ms (workflow time) when the backfill gave the items up; absent in histories of older versions. */
  failedAt?: number;
}

/** The `backfill` workflow's argument (state travels along across continue-as-new). */
export interface BackfillWorkflowInput {
  backfillId: string;
  /** The plan of the first item; each child gets a copy with its own partition and run id. */
  template: Plan;
  partitions: BackfillPartitions;
  only: BackfillRequest['only'];
  maxConcurrent: number;
  partitionRetries: number;
  childrenPerWorkflowRun: number;
  /** Items (after filtering) at the start, for progress. */
  total: number;
  state?: BackfillState;
}

/** What a backfill carries from one workflow run to the next. */
export interface BackfillState {
  nextOffset: number | null;
  pending: (BackfillItem & { attempt: number })[];
  done: number;
  failed: number;
  skipped: number;
  /** The latest failed item ids (at most 10,000 are carried from run to run). */
  failedItems: string[];
  startedAt: number;
  paused: boolean;
  workflowRuns: number;
}

/** Status of a backfill. */
export type BackfillStatus = 'running' | 'paused' | 'canceling' | 'completed' | 'completed_with_failures' | 'canceled';

/** What the progress query returns, and the workflow's result. */
export interface BackfillProgress {
  backfillId: string;
  status: BackfillStatus;
  /** Child runs the backfill will start (after `only`), counted at its start. */
  total: number;
  done: number;
  failed: number;
  running: number;
  remaining: number;
  /** Partitions left out by `only` (already materialized, or not failed). */
  skipped: number;
  /** Finished child runs per second since the start. */
  ratePerSec: number;
  startedAt: number;
  /** Workflow runs so far (continue-as-new). */
  workflowRuns: number;
  /** Ids of failed items (first 100). */
  failedItems: string[];
}

/** Query, signal and activity names of backfills. */
export const BACKFILL = {
  progressQuery: 'stratum.backfillProgress',
  pauseSignal: 'stratum.pause',
  resumeSignal: 'stratum.resume',
  cancelSignal: 'stratum.cancel',
  itemsActivity: 'stratum.backfillItems',
  itemsFailedActivity: 'stratum.backfillItemsFailed',
} as const;

/** Workflow id of a backfill. */
export function backfillWorkflowId(backfillId: string): string {
  return `stratum/backfill/${backfillId}`;
}

/** Workflow id of one child run of a backfill. */
export function backfillChildWorkflowId(backfillId: string, itemId: string): string {
  return `stratum/backfill/${backfillId}/${itemId}`;
}
