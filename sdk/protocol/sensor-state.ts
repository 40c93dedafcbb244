/**
 * Data of the `sensor` workflow: its input (with the state carried across continue-as-new), the
 * evaluation activity's input and output, and the state its query returns. Pure types and
 * constants: workflow code imports this file.
 */
import type { SensorTrigger } from './sensor-contract';

/** Activity type of a sensor evaluation (a local activity on the worker that runs the sensor). */
export const SENSOR_EVALUATE_ACTIVITY = 'stratum.sensor.evaluate';

/** Evaluations kept in the sensor's state (the query shows them; they travel across continue-as-new). */
export const SENSOR_EVALUATIONS_KEPT = 20;

/** Triggers evaluated together in one activity call when they queue up (order and cursor are kept). */
export const SENSOR_MAX_BATCH = 50;

/** Time one evaluation may take when the definition sets no `timeout`. */
export const DEFAULT_EVALUATION_TIMEOUT_MS = 60_000;

/** The `sensor` workflow's argument. */
export interface SensorWorkflowInput {
  name: string;
  /** Polling interval in ms (`every`), or null: only triggers. */
  everyMs: number | null;
  /** Start-to-close timeout of one evaluation. Default 60,000. */
  evaluationTimeoutMs?: number;
  /** Attempts of one evaluation before it counts as failed. Default 3. */
  evaluationAttempts?: number;
  /** Continue-as-new after this many evaluations (tests lower it). Default 500; Temporal's suggestion usually comes first. */
  evaluationsPerRun?: number;
  /** State carried from the previous workflow run (absent on a fresh start). */
  state?: SensorCarriedState;
}

/** What a sensor carries from one workflow run to the next. */
export interface SensorCarriedState {
  /** Triggers received but not evaluated yet. */
  queue: SensorTrigger[];
  cursor: string | null;
  /** False until the cursor was read from the catalog (a fresh start picks up the stored cursor). */
  cursorKnown: boolean;
  /** The latest evaluations, oldest first (at most {@link SENSOR_EVALUATIONS_KEPT}). */
  evaluations: SensorEvaluationRecord[];
  counters: SensorCounters;
  startedAt: number;
  workflowRuns: number;
  /** Epoch ms of the next polling tick, or null. */
  nextTickAt: number | null;
}

/** Totals since the sensor was started. */
export interface SensorCounters {
  /** Triggers evaluated. */
  evaluations: number;
  /** Runs started. */
  runsStarted: number;
  /** Run requests not started because their run key was used before. */
  duplicates: number;
  /** Evaluations that returned a skip reason (or only duplicates). */
  skipped: number;
  /** Triggers whose payload failed the schema (sent as raw signals): never evaluated. */
  rejected: number;
  /** Evaluations that failed after their retries, or whose run requests were invalid. */
  failed: number;
  /** Triggers that arrived after a stop was requested. */
  dropped: number;
}

/** One run the sensor asked for, as shown in its state. */
export interface SensorRunRecord {
  runId: string;
  workflowId: string;
  runKey: string | null;
  /** `started`: a new run; `already-started`: a retried evaluation found the run it had started. */
  status: 'started' | 'already-started';
}

/** What happened to one trigger. */
export type SensorOutcomeKind = 'requested' | 'skipped' | 'rejected' | 'failed';

/** One evaluated trigger, as shown in the sensor's state. */
export interface SensorEvaluationRecord {
  triggerId: string;
  trigger: SensorTrigger['kind'];
  /** Epoch ms when the evaluation finished. */
  at: number;
  outcome: SensorOutcomeKind;
  runs: SensorRunRecord[];
  /** Run requests whose key was used before, with the run that used it. */
  duplicates: { runKey: string; runId: string }[];
  skipReason: string | null;
  error: string | null;
}

/** Input of the evaluation activity. */
export interface SensorEvaluationInput {
  sensor: string;
  /** Same for every attempt of this evaluation: run key reservations are idempotent by it. */
  evaluationId: string;
  triggers: SensorTrigger[];
  cursor: string | null;
  /** False: read the stored cursor from the catalog first (a fresh start). */
  cursorKnown: boolean;
}

/** The outcome of one trigger of an evaluation. */
export interface SensorTriggerOutcome {
  triggerId: string;
  outcome: SensorOutcomeKind;
  /** Runs the evaluation started. */
  runs: SensorRunRecord[];
  duplicates: { runKey: string; runId: string }[];
  skipReason: string | null;
  error: string | null;
}

/** What the evaluation activity returns. */
export interface SensorEvaluationResult {
  /** The cursor after the batch (stored in the catalog too). */
  cursor: string | null;
  outcomes: SensorTriggerOutcome[];
}

/** What the update answers and the CLI prints: the outcome of the trigger that was sent. */
export interface SensorTriggerAnswer {
  triggerId: string;
  outcome: SensorOutcomeKind;
  runs: SensorRunRecord[];
  duplicates: { runKey: string; runId: string }[];
  skipReason: string | null;
  error: string | null;
}

/** The sensor's state, as its query returns it (and its workflow when it stops). */
export interface SensorStateView {
  name: string;
  status: 'running' | 'stopping' | 'stopped';
  cursor: string | null;
  /** Polling interval in ms, or null. */
  everyMs: number | null;
  /** Start-to-close timeout of one evaluation, in ms. */
  evaluationTimeoutMs: number;
  /** Epoch ms of the next polling tick, or null. */
  nextTickAt: number | null;
  /** Triggers waiting for evaluation. */
  queued: number;
  counters: SensorCounters;
  /** The latest evaluations, oldest first. */
  evaluations: SensorEvaluationRecord[];
  startedAt: number;
  /** Workflow runs so far (continue-as-new). */
  workflowRuns: number;
}

/** A label for a trigger in the state: the payload's trigger id, or what the event was. */
export function triggerIdOf(trigger: SensorTrigger): string {
  switch (trigger.kind) {
    case 'payload':
      return trigger.triggerId;
    case 'tick':
      return `tick@${new Date(trigger.at).toISOString()}`;
    case 'asset-materialized':
      return `${trigger.event.assetKey}${trigger.event.partitionKey !== null ? `[${trigger.event.partitionKey}]` : ''}@${trigger.event.runId}`;
    case 'run-status':
      return `run ${trigger.event.runId} ${trigger.event.status}`;
  }
}
