/**
 * The plan: plain JSON that the `materialize` workflow interprets. Made by the planner from
 * definitions, a selection or job, a partition and config. Pure types only: workflow code
 * imports this file, so it must never import anything with I/O.
 */

import type { InputDataVersion } from '../versions/input-data-version';
import type { PlanNotifications } from './sensor-contract';
import { locationIdPrefix } from './location';

/** An inclusive range of partition keys. */
export interface PlanPartitionRange {
  from: string;
  to: string;
}

/** A retry policy in plain JSON (maps onto Temporal's). */
export interface PlanRetryPolicy {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  nonRetryableErrorTypes: string[];
}

/** One step: one activity, whose type is `key`. */
export interface PlanStep {
  key: string;
  kind: 'asset' | 'multi-asset' | 'op' | 'check' | 'observe';
  /** Assets this step materializes. */
  assetKeys: string[];
  /** Steps of this plan that must succeed first. */
  dependsOn: string[];
  /** Config as given (validated by the planner; the step parses it again for typed output). */
  config: unknown;
  /** Partition this step materializes; null when its assets are unpartitioned or in range runs. */
  partitionKey: string | null;
  /** Range of partitions in a range run (backfill policy); otherwise null. */
  partitionRange: PlanPartitionRange | null;
  retry: PlanRetryPolicy;
  timeoutMs: number;
  heartbeatTimeoutMs: number;
  /** One line for the Temporal UI. */
  summary: string;
  /** Set on `kind: 'check'` steps: the asset check this step evaluates (absent on every other step). */
  checkOf?: PlanCheck;
  /**
   * Re-executions only: for each upstream step this run does not repeat, the run whose stored op
   * outputs its inputs read (absent on every other step; asset inputs read their stored values).
   */
  outputsFromRuns?: Record<string, string>;
  /**
   * How the workflow runs the step: absent (and in plans of older versions) as a regular activity
   * on the task queue; `'local'` as a local activity in the worker that runs the workflow, with
   * `timeoutMs` as its start-to-close timeout and no heartbeat (see `StepExecutionMode`).
   */
  execution?: 'local';
}

/** The asset check a `check` step evaluates. */
export interface PlanCheck {
  assetKey: string;
  name: string;
  severity: 'error' | 'warn';
  blocking: boolean;
}

/**
 * The result of one asset check on one partition, as a check step returns it (so it is in
 * workflow history) and as the catalog stores it.
 */
export interface AssetCheckResultSummary {
  assetKey: string;
  checkName: string;
  partitionKey: string | null;
  /** `errored`: the check function threw (recorded by the failing attempt; a later attempt replaces it). */
  outcome: 'passed' | 'failed' | 'errored';
  severity: 'error' | 'warn';
  blocking: boolean;
  description: string | null;
  metadata: Record<string, unknown>;
  /** Epoch ms. */
  evaluatedAt: number;
}

/** A whole run. */
export interface Plan {
  version: 1;
  /** Stratum run id; the workflow id is `stratum/run/<label>/<runId>` for ad-hoc and job runs. */
  runId: string;
  /** What was asked for. */
  target: { kind: 'assets'; selection: string } | { kind: 'job'; job: string };
  /** The job name or the selection, used in workflow ids and summaries. */
  label: string;
  /** Job name for search attributes; null for ad-hoc selections. */
  job: string | null;
  /** Every asset the run materializes. */
  assetKeys: string[];
  partitionKey: string | null;
  partitionRange: PlanPartitionRange | null;
  /** Most steps running at once. */
  maxConcurrent: number;
  steps: PlanStep[];
  tags: Record<string, string>;
  /** Set when a backfill launched this run. */
  backfillId: string | null;
  /**
   * Hash of the run's steps (key, kind, code versions) in the definitions that planned it; the
   * worker compares its own when the run starts and warns when they differ. Absent in plans of
   * older versions.
   */
  definitionsHash?: string;
  /** Code location that planned the run (absent: the default location); its ids and `StratumLocation` follow it. */
  location?: string;
  /**
   * Sensors the run signals: asset sensors and eager automation after a step materializes a
   * watched asset, run-status sensors when it ends. Absent when nobody is notified (and in plans
   * of older versions): such runs send no signals.
   */
  notify?: PlanNotifications;
}

/** Status of one step at the end of a run. */
export type StepStatus = 'succeeded' | 'failed' | 'skipped' | 'canceled';

/** The small record a step returns per asset it materialized (values stay in the IO manager). */
export interface MaterializationSummary {
  assetKey: string;
  partitionKey: string | null;
  dataVersion: string;
  codeVersion: string | null;
  storageLocation: string;
  metadata: Record<string, unknown>;
  /** Epoch ms when the value was stored (the catalog row's time); absent in histories of older versions. */
  materializedAt?: number;
  /**
   * The data versions of the upstream assets (and deps) this partition read, one per upstream
   * asset (absent in histories of older versions). Stored in the catalog too.
   */
  inputDataVersions?: InputDataVersion[];
}

/** The small record an `observe` step returns per source asset partition it observed. */
export interface ObservationSummary {
  assetKey: string;
  partitionKey: string | null;
  dataVersion: string;
  metadata: Record<string, unknown>;
  /** Epoch ms. */
  observedAt: number;
}

/**
 * Input of a step activity, as it travels in history: the run and what the step's function needs
 * of its {@link PlanStep}, with absent meaning null (see `step-activity-input.ts`, which writes and
 * reads it). Histories of older versions also carry `workflowId`, `backfillId` and the whole step.
 */
export interface StepActivityInput {
  runId: string;
  step: StepActivityStep;
  /** Older versions only: the activity reads its workflow from its own info. */
  workflowId?: string;
  /** Older versions only: unused by the activity. */
  backfillId?: string | null;
}

/** The step in a {@link StepActivityInput}: its key, plus the fields that are set (older versions: the whole step). */
export type StepActivityStep = Pick<PlanStep, 'key'> & Partial<Omit<PlanStep, 'key'>>;

/** What a step activity works from: its {@link StepActivityInput} with the absent fields read as null. */
export interface StepToRun {
  runId: string;
  step: Pick<PlanStep, 'key' | 'config' | 'partitionKey' | 'partitionRange' | 'checkOf' | 'outputsFromRuns'>;
}

/** What a step activity returns. */
export interface StepActivityResult {
  stepKey: string;
  startedAt: number;
  endedAt: number;
  attempt: number;
  materializations: MaterializationSummary[];
  /** Check steps only: one result per partition checked. */
  checks?: AssetCheckResultSummary[];
  /** Observe steps only (observable source assets): what they observed. */
  observations?: ObservationSummary[];
}

/** The outcome of one step in a run result. */
export interface StepOutcome {
  key: string;
  status: StepStatus;
  assetKeys: string[];
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  attempts: number;
  error: string | null;
  /** Step keys whose failure skipped this one. */
  skippedBecause?: string[];
  materializations: MaterializationSummary[];
  /** Check steps that returned: their results (a blocking check that failed is a failed step instead). */
  checks?: AssetCheckResultSummary[];
}

/** What the `materialize` workflow returns (and attaches to its failure when a step failed). */
export interface RunResult {
  runId: string;
  label: string;
  status: 'succeeded' | 'failed' | 'canceled';
  partitionKey: string | null;
  partitionRange: PlanPartitionRange | null;
  startedAt: number;
  endedAt: number;
  /**
   * Every step's outcome, in plan order; when `summary` is set, only the steps that did not succeed
   * (the first 500 of them, without materializations).
   */
  steps: StepOutcome[];
  /**
   * Set when the whole result would be too large for Temporal (past 256 KiB of JSON, or a run that
   * continued-as-new): counts by status, and `steps` lists only outcomes that did not succeed.
   * Every step's record is in the catalog (`getRun`, `stratum runs show`). Absent on full results.
   */
  summary?: RunResultSummary;
}

/** The counts of a compact {@link RunResult}. */
export interface RunResultSummary {
  /** Steps in the plan. */
  total: number;
  counts: Record<StepStatus, number>;
  /** Steps that did not succeed and are not listed in `steps` (past the cap). */
  omitted: number;
}

/** Activity type of the run-bookkeeping activities (asset keys can never contain a `.`-prefixed name). */
export const RUN_ACTIVITY = {
  startRun: 'stratum.startRun',
  finishRun: 'stratum.finishRun',
} as const;

/** Name of the query a running `materialize` workflow answers with its {@link RunProgress}. */
export const RUN_PROGRESS_QUERY = 'stratum.progress';

/** What the progress query returns: finished steps so far and the ones running. */
export interface RunProgress {
  total: number;
  running: string[];
  finished: StepOutcome[];
}

/** Error type of a run's failure when some steps failed. */
export const RUN_FAILED_ERROR_TYPE = 'StratumRunFailed';

/** Workflow id of a run. */
export function runWorkflowId(label: string, runId: string, location?: string): string {
  return `${locationIdPrefix(location)}run/${label.replace(/\s+/g, '')}/${runId}`;
}
