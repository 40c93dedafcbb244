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
  /**
   * `missing`: skip asset partitions the catalog already has; `failed`: only asset partitions whose
   * last attempt failed (or that a failure blocked); `stale`: only missing or stale ones (see
   * `stratum assets stale`). Applied per asset partition.
   */
  only?: 'missing' | 'failed' | 'stale' | null;
  /**
   * How asset partitions are grouped into child runs. `asset-partition` (default): each asset
   * partition starts as soon as the partitions it reads are done (see ARCHITECTURE.md, Backfills).
   * `partition`: one child run of every selected asset per partition (per partitions definition),
   * as backfills grouped before; kept to compare (`npm run bench -- backfill-graph`).
   */
  grouping?: BackfillGrouping;
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

/** How a backfill groups asset partitions into child runs: see {@link BackfillRequest.grouping}. */
export type BackfillGrouping = 'asset-partition' | 'partition';

/**
 * One child run of a graph-planned backfill: some asset partitions of one partition (or range, or
 * of unpartitioned assets) that share everything they wait for. Units come in dependency order.
 */
export interface BackfillUnit {
  /** Unique within the backfill; ends the child's workflow id: the partition label, or `label/firstStep` when the label has several units. */
  id: string;
  /** The partition key, `from...to` for a range, null for unpartitioned assets. */
  label: string | null;
  partitionKey: string | null;
  partitionRange: PlanPartitionRange | null;
  /** Plan steps the child runs: its asset steps and their check steps. */
  steps: string[];
  /** The asset partitions (graph nodes) it materializes: node index and step key, upstream first. */
  nodes: { index: number; step: string }[];
  /** Node index ranges `[first, last]` (inclusive) of earlier units' asset partitions it reads. */
  after: [number, number][];
  /** Hash of the unit's steps in the planning definitions (see `Plan.definitionsHash`). */
  definitionsHash?: string;
}

/** A page of units, from the `stratum.backfillUnits` activity. */
export interface BackfillUnitsPage {
  units: BackfillUnit[];
  /** Offset of the next page in the unfiltered unit list, or null when there is none. */
  nextOffset: number | null;
  /** Asset partitions left out by `only` in this page. */
  skipped: number;
}

/** Input of the `stratum.backfillUnits` activity. */
export interface BackfillUnitsInput {
  backfillId: string;
  plan: Plan;
  partitions: BackfillPartitions;
  only: BackfillRequest['only'];
  grouping: BackfillGrouping;
  offset: number;
  limit: number;
}

/** Input of the `stratum.backfillUnitsBlocked` activity: asset partitions not run because one they read failed. */
export interface BackfillUnitsBlockedInput {
  backfillId: string;
  plan: Plan;
  /** Per blocked unit, its nodes not run and the failed asset partition (`step[label]`) that blocked them. */
  blocked: { unit: BackfillUnit; steps: string[]; blockedBy: string }[];
  failedAt: number;
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
  /** Items (after filtering) at the start, for progress; asset partitions when `graph` is set. */
  total: number;
  /**
   * Set by this version on: the backfill is planned as a graph of asset partitions, paged through
   * `stratum.backfillUnits`. Absent in histories of older versions (one child run per item).
   */
  graph?: { grouping: BackfillGrouping; runs: number };
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
  /** Graph backfills: the units fetched but not started yet (the `pending` of items stays empty). */
  pendingUnits?: (BackfillUnit & { attempt: number })[];
  /** Graph backfills: asset partitions not run because one they read failed. */
  blocked?: number;
  /** Graph backfills: failed or blocked node indexes with the failed asset partition at the root (the latest 10,000). */
  failures?: [number, string][];
  /** Graph backfills: the first blocked asset partitions and what blocked them (for progress). */
  blockedItems?: { item: string; blockedBy: string }[];
  /** Graph backfills: child runs started so far. */
  runsStarted?: number;
}

/** Status of a backfill. */
export type BackfillStatus = 'running' | 'paused' | 'canceling' | 'completed' | 'completed_with_failures' | 'canceled';

/** What the progress query returns, and the workflow's result. */
export interface BackfillProgress {
  backfillId: string;
  status: BackfillStatus;
  /** What the counts count: child runs (backfills of older versions) or asset partitions. */
  unit?: 'run' | 'asset partition';
  /** Child runs (or asset partitions: see `unit`) the backfill will run (after `only`), counted at its start. */
  total: number;
  done: number;
  failed: number;
  /** Asset partitions not run because an asset partition they read (transitively) failed; `--failed-only` redoes them. */
  blocked: number;
  running: number;
  remaining: number;
  /** Child runs started so far (graph backfills). */
  runs?: number;
  /** Partitions left out by `only` (already materialized, or not failed). */
  skipped: number;
  /** Finished child runs per second since the start. */
  ratePerSec: number;
  startedAt: number;
  /** Workflow runs so far (continue-as-new). */
  workflowRuns: number;
  /** Ids of failed items, or failed asset partitions `step[label]` (first 100). */
  failedItems: string[];
  /** Blocked asset partitions and the failed one that blocked each (first 100). */
  blockedItems?: { item: string; blockedBy: string }[];
}

/** Query, signal and activity names of backfills. */
export const BACKFILL = {
  progressQuery: 'stratum.backfillProgress',
  pauseSignal: 'stratum.pause',
  resumeSignal: 'stratum.resume',
  cancelSignal: 'stratum.cancel',
  itemsActivity: 'stratum.backfillItems',
  itemsFailedActivity: 'stratum.backfillItemsFailed',
  unitsActivity: 'stratum.backfillUnits',
  unitsBlockedActivity: 'stratum.backfillUnitsBlocked',
} as const;

/** The name of an asset partition (a graph node) in progress and messages: `step[label]`, or `step` when unpartitioned. */
export function assetPartitionName(step: string, label: string | null): string {
  return label === null ? step : `${step}[${label}]`;
}

/** Workflow id of a backfill. */
export function backfillWorkflowId(backfillId: string): string {
  return `stratum/backfill/${backfillId}`;
}

/** Workflow id of one child run of a backfill. */
export function backfillChildWorkflowId(backfillId: string, itemId: string): string {
  return `stratum/backfill/${backfillId}/${itemId}`;
}
