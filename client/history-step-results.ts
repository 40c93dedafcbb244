/**
 * Reading a run's step results back from its workflow history, whichever way its steps ran: a
 * regular activity (ActivityTaskScheduled, then ActivityTaskCompleted or ActivityTaskFailed) or a
 * local activity (`executionMode: 'local'`: one MarkerRecorded event per settled local activity).
 * Shared by the catalog rebuild and re-execution from failure.
 *
 * A local activity marker, as the Temporal core SDK records it (checked on a history of the dev
 * server, SDK 1.x): `markerName` `core_local_activity`; `details.data` one `json/plain` payload
 * `{ seq, attempt, activity_id, activity_type, complete_time, backoff, original_schedule_time }`;
 * `details.result` the activity's result payload when it completed; `failure` the failure when
 * it failed. Retries that wait inside the workflow task leave one marker (its `attempt` the last
 * one); a retry that waits on a timer leaves a failed marker with `backoff` set, then a new marker.
 * Run bookkeeping (`stratum.startRun`, `stratum.finishRun`, watcher lookups, …) is recorded the
 * same way: markers are told apart by `activity_type`, which for a step is its plan step key.
 */
import type { temporal } from '@temporalio/proto';
import type { Plan, StepActivityResult } from '../sdk/protocol/plan';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads;
type Failure = temporal.api.failure.v1.IFailure;

/** Decodes the payload at `index` of `payloads` with the client's data converter. */
export type HistoryDecode = <T>(payloads: { payloads?: unknown[] | null } | null | undefined, index?: number) => Promise<T>;

/** Marker name of the Temporal core SDK's local activities. */
export const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** Failure type of a check step whose blocking error check failed; its details carry the step's result. */
const ASSET_CHECK_FAILED = 'AssetCheckFailedError';

/** What a local activity marker's `details.data` holds (the fields Stratum reads). */
export interface LocalActivityMarkerData {
  seq: number;
  attempt: number;
  activity_id: string;
  activity_type: string;
  /** Set on a failed attempt whose retry waits on a durable timer: a later marker settles the activity. */
  backoff: unknown;
}

/** One step activity settled in a history: completed (with its result payloads) or failed for good. */
export interface SettledStepActivity {
  /** The plan step key (the activity type). */
  stepKey: string;
  /** `activity` for a regular activity, `local` for a local activity marker. */
  kind: 'activity' | 'local';
  /** Result payloads when it completed; null when it failed. */
  result: Payloads | null;
  /** Its failure when it failed; null when it completed. */
  failure: Failure | null;
}

/** The marker's data, or null when the event is not a readable local activity marker. */
export function localActivityMarkerData(event: HistoryEvent): LocalActivityMarkerData | null {
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) return null;
  const payload = marker.details?.data?.payloads?.[0];
  if (!payload?.data) return null;
  try {
    const data = JSON.parse(Buffer.from(payload.data).toString('utf8')) as LocalActivityMarkerData;
    return typeof data?.activity_type === 'string' ? data : null;
  } catch {
    return null;
  }
}

/**
 * The step activities of `stepKeys` settled in `events`, in history order: regular activities that
 * completed or failed (failed events come only once retries are exhausted) and local activity
 * markers that completed or failed with no retry to come. Other activities (run bookkeeping, plan
 * pages, backfill and sensor activities) are left out by their activity type. Pure.
 */
export function settledStepActivities(events: readonly HistoryEvent[], stepKeys: ReadonlySet<string>): SettledStepActivity[] {
  const scheduled = new Map<string, string>();
  const settled: SettledStepActivity[] = [];
  for (const event of events) {
    const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type && stepKeys.has(type) && event.eventId != null) {
      scheduled.set(String(event.eventId), type);
      continue;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    const failed = event.activityTaskFailedEventAttributes;
    if (completed || failed) {
      const stepKey = scheduled.get(String((completed ?? failed)!.scheduledEventId));
      if (stepKey) settled.push({ stepKey, kind: 'activity', result: completed ? (completed.result ?? null) : null, failure: failed?.failure ?? null });
      continue;
    }
    const data = localActivityMarkerData(event);
    if (!data || !stepKeys.has(data.activity_type)) continue;
    const marker = event.markerRecordedEventAttributes!;
    if (marker.failure) {
      if (data.backoff == null) settled.push({ stepKey: data.activity_type, kind: 'local', result: null, failure: marker.failure });
    } else {
      settled.push({ stepKey: data.activity_type, kind: 'local', result: marker.details?.result ?? null, failure: null });
    }
  }
  return settled;
}

/** Step keys of `plan` whose step activity (regular or local) completed in this history. */
export function succeededStepKeys(events: readonly HistoryEvent[], plan: Plan): Set<string> {
  const keys = new Set(plan.steps.map((s) => s.key));
  return new Set(settledStepActivities(events, keys).filter((s) => s.failure === null).map((s) => s.stepKey));
}

/** A run's step results read from its history. */
export interface HistoryStepResults {
  /** Results of the step activities that completed, in history order. */
  succeeded: StepActivityResult[];
  /** Results carried by the failures of check steps whose blocking check failed (their check results). */
  failedChecks: StepActivityResult[];
}

/** The results of `plan`'s steps in this history, decoded with the client's data converter. */
export async function stepResultsOf(events: readonly HistoryEvent[], plan: Plan, decode: HistoryDecode): Promise<HistoryStepResults> {
  const keys = new Set(plan.steps.map((s) => s.key));
  const results: HistoryStepResults = { succeeded: [], failedChecks: [] };
  for (const step of settledStepActivities(events, keys)) {
    if (step.failure === null) {
      results.succeeded.push(await decode<StepActivityResult>(step.result));
      continue;
    }
    // A failing blocking check fails its step; the failure's details carry the check results.
    let failure: Failure | null | undefined = step.failure;
    while (failure && failure.applicationFailureInfo?.type !== ASSET_CHECK_FAILED) failure = failure.cause;
    if (failure?.applicationFailureInfo) {
      const result = await decode<StepActivityResult | undefined>(failure.applicationFailureInfo.details).catch(() => undefined);
      if (result) results.failedChecks.push(result);
    }
  }
  return results;
}
