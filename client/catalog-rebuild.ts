import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';
import { createBackfillActivities } from '../activities/backfill-activities';
import { createRunActivities } from '../activities/run-activities';
import { BACKFILL, type BackfillItemsFailedInput, type BackfillUnitsBlockedInput } from '../sdk/protocol/backfill';
import type { Catalog, MaterializationInput } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { RUN_FAILED_ERROR_TYPE, type Plan, type RunResult, type StepActivityResult, type StepOutcome } from '../sdk/protocol/plan';
import { decodePlanSteps, isPlanReference, type PlanPage, type PlanReference } from '../sdk/protocol/plan-reference';
import { LOCAL_ACTIVITY_MARKER, stepResultsOf } from './history-step-results';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** What {@link rebuildCatalog} read and wrote. */
export interface RebuildReport {
  /** Run executions read (one per Temporal run of a Stratum run workflow). */
  runs: number;
  /** Materializations written. */
  materializations: number;
  /** Asset check results written. */
  checkResults: number;
  /** Observations of source assets written. */
  observations: number;
  /** Backfill executions read (for partitions they recorded failed without running them). */
  backfills: number;
  /** Runs still running: recorded as started, with what they have materialized so far. */
  running: number;
  /** Executions that were not Stratum runs after all, or whose history could not be read, with the reason. */
  skipped: { workflowId: string; reason: string }[];
}

/** Options of {@link rebuildCatalog}. */
export interface RebuildCatalogOptions {
  /** A client of the namespace to read (its executions are the source). */
  client: Client;
  definitions: Definitions;
  /** An empty catalog to write into. */
  into: Catalog;
  /** Narrows the executions read, in Temporal's list filter syntax (e.g. `TaskQueue = 'etl'`); default: the whole namespace. */
  filter?: string;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** One write to replay, ordered by its time so the catalog's "newest wins" rules see what the workers saw. */
interface Write {
  at: number;
  order: number;
  apply(): Promise<void>;
}

/**
 * Re-creates the catalog from Temporal workflow history: the proof that history is the source of
 * truth. Finds Stratum's executions through the `StratumKind` search attribute, reads each one's
 * plan (its start input), step results (completed step activities, regular or local, carry the
 * materialization records; see ./history-step-results) and outcome (the run result in its completion or failure), and replays them through
 * the same bookkeeping code the workers use, in time order.
 */
export async function rebuildCatalog(options: RebuildCatalogOptions): Promise<RebuildReport> {
  const { client, definitions, into } = options;
  const runActivities = createRunActivities({ definitions, catalog: into });
  const backfillActivities = createBackfillActivities({ definitions, catalog: into });
  const report: RebuildReport = { runs: 0, materializations: 0, checkResults: 0, observations: 0, backfills: 0, running: 0, skipped: [] };
  const writes: Write[] = [];
  const add = (at: number, order: number, apply: () => Promise<void>) => writes.push({ at, order, apply });
  const decode = <T>(payloads: { payloads?: unknown[] | null } | null | undefined, index = 0): Promise<T> =>
    decodeFromPayloadsAtIndex<T>(client.options.loadedDataConverter, index, (payloads?.payloads ?? []) as never);

  const query = `(StratumKind = 'run' OR StratumKind = 'backfill')${options.filter ? ` AND (${options.filter})` : ''}`;
  for await (const execution of client.workflow.list({ query })) {
    const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
    let events: HistoryEvent[];
    try {
      events = (await handle.fetchHistory()).events ?? [];
    } catch (error) {
      report.skipped.push({ workflowId: execution.workflowId, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    if (execution.type === 'backfill') {
      report.backfills += 1;
      for (const event of events.filter((e) => e.activityTaskScheduledEventAttributes)) {
        const attributes = event.activityTaskScheduledEventAttributes!;
        if (attributes.activityType?.name === BACKFILL.unitsBlockedActivity) {
          const blocked = await decode<BackfillUnitsBlockedInput>(attributes.input);
          add(blocked.failedAt, 3, () => backfillActivities.backfillUnitsBlocked(blocked));
          continue;
        }
        if (attributes.activityType?.name !== BACKFILL.itemsFailedActivity) continue;
        const input = await decode<BackfillItemsFailedInput>(attributes.input);
        const at = input.failedAt ?? eventTime(event);
        add(at, 3, () => backfillActivities.backfillItemsFailed({ ...input, failedAt: at }));
      }
      continue;
    }

    const plan = await findPlan(events, decode);
    if (!plan) {
      report.skipped.push({ workflowId: execution.workflowId, reason: 'no Stratum plan in its history' });
      continue;
    }
    if (!events.some(isLocalActivityMarker)) {
      // startRun never completed (e.g. the plan named steps the worker did not know): the catalog never saw this run.
      report.skipped.push({ workflowId: execution.workflowId, reason: 'the run never started (startRun did not complete)' });
      continue;
    }
    report.runs += 1;
    const { succeeded: stepResults, failedChecks: checkResults } = await stepResultsOf(events, plan, decode);
    for (const step of stepResults) {
      for (const o of step.observations ?? []) {
        report.observations += 1;
        add(o.observedAt, 1, async () => {
          await into.recordObservation({ ...o, runId: plan.runId, stepKey: step.stepKey });
        });
      }
    }
    for (const step of [...stepResults, ...checkResults]) {
      for (const c of step.checks ?? []) {
        report.checkResults += 1;
        add(c.evaluatedAt, 1, async () => {
          await into.recordCheckResult({ ...c, runId: plan.runId, stepKey: step.stepKey, attempt: step.attempt });
        });
      }
    }
    const result = await runResultOf(events, plan, stepResults, decode);
    const startedAt = result?.startedAt ?? firstWorkflowTaskTime(events);
    add(startedAt, 0, () =>
      runActivities.startRun({ plan, workflowId: execution.workflowId, startedAt }),
    );
    for (const step of stepResults) {
      for (const m of step.materializations) {
        report.materializations += 1;
        const record: MaterializationInput = {
          runId: plan.runId,
          stepKey: step.stepKey,
          assetKey: m.assetKey,
          partitionKey: m.partitionKey,
          dataVersion: m.dataVersion,
          codeVersion: m.codeVersion,
          metadata: m.metadata,
          storageLocation: m.storageLocation,
          startedAt: step.startedAt,
          materializedAt: m.materializedAt ?? step.endedAt,
          attempt: step.attempt,
          inputDataVersions: m.inputDataVersions ?? null,
        };
        add(record.materializedAt, 1, async () => {
          await into.recordMaterialization(record);
        });
      }
    }
    if (result) add(result.endedAt, 2, () => runActivities.finishRun(result));
    else report.running += 1;
  }

  writes.sort((a, b) => a.at - b.at || a.order - b.order);
  for (const [i, write] of writes.entries()) {
    await write.apply();
    if (options.log && (i + 1) % 1_000 === 0) options.log(`${i + 1}/${writes.length} catalog writes replayed`);
  }
  return report;
}

/** The run's plan: the `materialize` workflow's argument, or the plan a scheduled or sensor run made in an activity. */
export async function findPlan(events: HistoryEvent[], decode: <T>(p: { payloads?: unknown[] | null } | null | undefined, i?: number) => Promise<T>): Promise<Plan | null> {
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const input = started ? await decode<unknown>(started.input) : null;
  if (isPlan(input)) return input;
  if (typeof input === 'object' && input !== null && isPlanReference(input as PlanReference)) return planFromPages(events, input as PlanReference, decode);
  for (const event of events) {
    const payloads = event.activityTaskCompletedEventAttributes?.result ?? (event.markerRecordedEventAttributes ? event.markerRecordedEventAttributes.details?.result : null);
    if (!payloads) continue;
    const value = await decode<unknown>(payloads).catch(() => null);
    if (isPlan(value)) return value;
    // A scheduled run's planning activity answers `{ plan }`.
    const wrapped = (value as { plan?: unknown } | null)?.plan;
    if (isPlan(wrapped)) return wrapped;
  }
  return null;
}

/** A plan started by reference, put together from the `stratum.planPage` activity results in its history (null when some page is missing). */
async function planFromPages(events: HistoryEvent[], ref: PlanReference, decode: <T>(p: { payloads?: unknown[] | null } | null | undefined, i?: number) => Promise<T>): Promise<Plan | null> {
  const pages = new Map<number, PlanPage>();
  for (const event of events) {
    const payloads = event.activityTaskCompletedEventAttributes?.result;
    if (!payloads) continue;
    const value = await decode<PlanPage | null>(payloads).catch(() => null);
    if (value?.hash === ref.planRef.hash && typeof value.page === 'number') pages.set(value.page, value);
  }
  const header = pages.get(0)?.header;
  if (!header || pages.size < ref.planRef.pages) return null;
  const steps = [];
  for (let page = 1; page < ref.planRef.pages; page++) steps.push(...decodePlanSteps(pages.get(page)!));
  return { ...header, steps };
}

function isPlan(value: unknown): value is Plan {
  return typeof value === 'object' && value !== null && (value as Plan).version === 1 && Array.isArray((value as Plan).steps) && typeof (value as Plan).runId === 'string';
}

/**
 * The run's {@link RunResult}: from its completion, from its failure's details (a compact one
 * completed with its succeeded step activities), or, for a cancelled run, put together from its
 * step activities. `null` while it runs or when it was
 * terminated (the catalog then only knows it started).
 */
async function runResultOf(
  events: HistoryEvent[],
  plan: Plan,
  stepResults: StepActivityResult[],
  decode: <T>(p: { payloads?: unknown[] | null } | null | undefined, i?: number) => Promise<T>,
): Promise<RunResult | null> {
  const last = events[events.length - 1];
  const byKey = new Map(stepResults.map((r) => [r.stepKey, r]));
  const succeeded = (s: Plan['steps'][number], r: StepActivityResult): StepOutcome => ({
    key: s.key,
    status: 'succeeded',
    assetKeys: s.assetKeys,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: r.endedAt - r.startedAt,
    attempts: r.attempt,
    error: null,
    materializations: r.materializations,
  });
  // A compact result (a backfill's child, or one too large for Temporal) omits succeeded steps: their activities in history have them.
  const complete = (result: RunResult): RunResult => {
    if (result.summary === undefined) return result;
    const listed = new Map(result.steps.map((o) => [o.key, o]));
    const steps = plan.steps.flatMap((s) => {
      const outcome = listed.get(s.key);
      if (outcome) return [outcome];
      const r = byKey.get(s.key);
      return r ? [succeeded(s, r)] : [];
    });
    const { summary: _summary, ...rest } = result;
    return { ...rest, steps };
  };
  if (last?.workflowExecutionCompletedEventAttributes) return complete(await decode<RunResult>(last.workflowExecutionCompletedEventAttributes.result));
  const failure = last?.workflowExecutionFailedEventAttributes?.failure;
  if (failure?.applicationFailureInfo?.type === RUN_FAILED_ERROR_TYPE) return complete(await decode<RunResult>(failure.applicationFailureInfo.details));
  if (last?.workflowExecutionCanceledEventAttributes) {
    const endedAt = eventTime(last);
    const steps: StepOutcome[] = plan.steps.map((s) => {
      const r = byKey.get(s.key);
      return r ? succeeded(s, r) : { key: s.key, status: 'canceled', assetKeys: s.assetKeys, startedAt: null, endedAt: null, durationMs: null, attempts: 0, error: null, materializations: [] };
    });
    return { runId: plan.runId, label: plan.label, status: 'canceled', partitionKey: plan.partitionKey, partitionRange: plan.partitionRange, startedAt: firstWorkflowTaskTime(events), endedAt, steps };
  }
  return null;
}

/**
 * A run workflow's first local activity is always `startRun`, and nothing else runs before it
 * completes (local steps included), so any local activity marker means the run was recorded as
 * started. (A segment of a run continued-as-new does not call `startRun` again but records
 * `stratum.recordRunSteps` or `finishRun`.)
 */
function isLocalActivityMarker(event: HistoryEvent): boolean {
  return event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER;
}

function eventTime(event: HistoryEvent): number {
  const t = event.eventTime;
  return t ? Number(t.seconds ?? 0) * 1_000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
}

/** Workflow code's `Date.now()` at its first task: the time of the first WorkflowTaskStarted event. */
function firstWorkflowTaskTime(events: HistoryEvent[]): number {
  const started = events.find((e) => e.workflowTaskStartedEventAttributes);
  return started ? eventTime(started) : eventTime(events[0] ?? {});
}
