import {
  patched,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowCancellationType,
  condition,
  continueAsNew,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { handleBackfillControls } from './backfill-controls';
import {
  assetPartitionName,
  BACKFILL,
  backfillChildWorkflowId,
  type BackfillGrouping,
  type BackfillProgress,
  type BackfillState,
  type BackfillUnit,
  type BackfillUnitsBlockedInput,
  type BackfillUnitsInput,
  type BackfillUnitsPage,
  type BackfillWorkflowInput,
} from '../sdk/protocol/backfill';
import { RUN_FAILED_ERROR_TYPE, type Plan, type RunResult } from '../sdk/protocol/plan';
import { fitKeywordList, locationSearchAttributes, partitionSearchAttributes, StratumSearchAttributes } from '../sdk/protocol/search-attributes';
import { isNamedLocation } from '../sdk/protocol/location';
import { fitNameList } from '../sdk/protocol/summary-text';

const fetchUnits = proxyActivities<Record<string, (input: BackfillUnitsInput) => Promise<BackfillUnitsPage>>>({
  startToCloseTimeout: '5m',
  retry: { maximumAttempts: 10, initialInterval: '1s', nonRetryableErrorTypes: ['PartitionKeyError', 'InvalidRunRequestError'] },
})[BACKFILL.unitsActivity] as (input: BackfillUnitsInput) => Promise<BackfillUnitsPage>;

const recordBlocked = proxyActivities({ startToCloseTimeout: '2m', retry: { maximumAttempts: 10, initialInterval: '1s' } })[BACKFILL.unitsBlockedActivity] as (
  input: BackfillUnitsBlockedInput,
) => Promise<void>;

type PendingUnit = BackfillUnit & { attempt: number };

/** Failed and blocked asset partitions carried across continue-as-new (the latest ones: dependencies point at recent partitions). */
const MAX_CARRIED_FAILURES = 10_000;
/** …and at most this much of their names, so the continue-as-new input stays small whatever the asset keys' length. */
const MAX_CARRIED_FAILURE_BYTES = 512 * 1_024;
/** Units fetched ahead of the ones that can start, so work behind a slow chain keeps the slots busy (bounded: the state travels in continue-as-new). */
const MAX_PENDING_UNITS = 1_000;
/** Blocked and failed asset partitions listed in progress. */
const LISTED = 100;
/** Patch id: child runs of a named location's backfill carry `StratumLocation` (histories from before start them without it). */
const CHILD_LOCATION_PATCH = 'stratum-backfill-child-location';

/**
 * A backfill planned as a graph of asset partitions (see `backfillGraph`): units (child
 * `materialize` runs) come a page at a time in dependency order from `stratum.backfillUnits`;
 * a unit starts as soon as the asset partitions it reads are done, at most `maxConcurrent` at
 * once. A failed asset partition blocks exactly the ones that read it, transitively: they are
 * counted and listed as blocked (naming the failed one), recorded as failed in the catalog
 * (`--failed-only` redoes them), and never started. Continues-as-new like the item backfill,
 * carrying counters, the fetched units and the latest failures.
 */
export async function graphBackfill(input: BackfillWorkflowInput, graph: { grouping: BackfillGrouping; runs: number }): Promise<BackfillProgress> {
  const state: BackfillState = input.state ?? {
    nextOffset: 0,
    pending: [],
    done: 0,
    failed: 0,
    skipped: 0,
    failedItems: [],
    startedAt: Date.now(),
    paused: false,
    workflowRuns: 0,
  };
  state.workflowRuns += 1;
  const pending: PendingUnit[] = state.pendingUnits ?? [];
  const failures = new Map<number, string>(state.failures ?? []);
  const blockedItems = state.blockedItems ?? [];
  let blocked = state.blocked ?? 0;
  let runsStarted = state.runsStarted ?? 0;
  const running = new Map<string, PendingUnit>();
  const unfinished = new Set<number>();
  for (const unit of pending) for (const n of unit.nodes) unfinished.add(n.index);
  let cancelRequested = false;
  let changed = false;
  let launchedThisRun = 0;
  const wake = () => {
    changed = true;
  };
  const runningNodes = () => [...running.values()].reduce((n, u) => n + u.nodes.length, 0);

  const progress = (status?: BackfillProgress['status']): BackfillProgress => {
    const finished = state.done + state.failed + blocked;
    const elapsed = Math.max(1, Date.now() - state.startedAt) / 1000;
    const inFlight = runningNodes();
    return {
      backfillId: input.backfillId,
      status: status ?? (cancelRequested ? 'canceling' : state.paused ? 'paused' : 'running'),
      unit: 'asset partition',
      total: input.total,
      done: state.done,
      failed: state.failed,
      blocked,
      running: inFlight,
      remaining: Math.max(0, input.total - finished - inFlight),
      runs: runsStarted,
      skipped: state.skipped,
      ratePerSec: Math.round((finished / elapsed) * 100) / 100,
      startedAt: state.startedAt,
      workflowRuns: state.workflowRuns,
      failedItems: state.failedItems.slice(0, LISTED),
      blockedItems: blockedItems.slice(0, LISTED),
    };
  };
  handleBackfillControls({
    state,
    onCancel: () => {
      cancelRequested = true;
    },
    wake,
    progress: () => progress(),
  });

  const childScope = new CancellationScope();
  const report = () => {
    const p = progress();
    setCurrentDetails(
      `${p.status}: ${p.done} done, ${p.failed} failed, ${p.blocked} blocked, ${p.running} running, ${p.remaining} remaining of ${p.total} asset partitions (${p.ratePerSec}/s, ${p.runs} runs)`,
    );
  };

  const fail = (index: number, name: string, root: string) => {
    failures.set(index, root);
    if (root === name) {
      state.failed += 1;
      if (state.failedItems.length < LISTED) state.failedItems.push(name);
    } else {
      blocked += 1;
      if (blockedItems.length < LISTED) blockedItems.push({ item: name, blockedBy: root });
    }
  };

  const finish = (unit: PendingUnit, outcome: { kind: 'done' } | { kind: 'retry' } | { kind: 'canceled' } | { kind: 'failed'; result: RunResult | null }) => {
    running.delete(unit.id);
    if (outcome.kind === 'retry') {
      pending.unshift({ ...unit, attempt: unit.attempt + 1 });
      return wake();
    }
    for (const n of unit.nodes) unfinished.delete(n.index);
    if (outcome.kind === 'done') state.done += unit.nodes.length;
    else if (outcome.kind === 'failed') {
      const byStep = new Map((outcome.result?.steps ?? []).map((s) => [s.key, s]));
      // A compact result (too large for Temporal: see RunResult.summary) lists only the steps that did not succeed.
      const summary = outcome.result?.summary;
      const succeededUnlisted = summary !== undefined && summary.omitted === 0;
      const names = new Map(unit.nodes.map((n) => [n.step, assetPartitionName(n.step, unit.label)]));
      const firstFailed = unit.nodes.find((n) => byStep.get(n.step)?.status === 'failed');
      for (const n of unit.nodes) {
        const name = names.get(n.step)!;
        const outcomeOf = byStep.get(n.step);
        if (outcomeOf?.status === 'succeeded' || (outcomeOf === undefined && succeededUnlisted)) state.done += 1;
        else if (outcomeOf?.status === 'skipped') {
          const because = outcomeOf.skippedBecause?.find((s) => names.has(s));
          fail(n.index, name, because !== undefined ? names.get(because)! : firstFailed ? names.get(firstFailed.step)! : assetPartitionName(outcomeOf.skippedBecause?.[0] ?? n.step, unit.label));
        } else fail(n.index, name, name);
      }
    }
    wake();
  };

  const launch = (unit: PendingUnit) => {
    running.set(unit.id, unit);
    launchedThisRun += 1;
    runsStarted += 1;
    const plan = unitPlan(input.template, unit, input.backfillId);
    const attributes: { key: unknown; value: unknown }[] = [
      { key: StratumSearchAttributes.kind, value: 'run' },
      { key: StratumSearchAttributes.assetKeys, value: fitKeywordList(plan.assetKeys) },
      { key: StratumSearchAttributes.job, value: plan.job ?? plan.label },
      { key: StratumSearchAttributes.backfillId, value: input.backfillId },
    ];
    // StratumPartition (key or from...to) and StratumPartitionStart/End: a range run is found by a filter on any key inside it.
    if (unit.label !== null) {
      const partition = partitionSearchAttributes(unit.partitionKey, unit.partitionRange);
      attributes.push(...(partition.length > 0 ? partition : [{ key: StratumSearchAttributes.partition, value: unit.label }]));
    }
    // A named location's children carry StratumLocation, as its other runs; backfills from before this replay without it.
    if (isNamedLocation(plan.location) && patched(CHILD_LOCATION_PATCH)) attributes.push(...locationSearchAttributes(plan.location));
    childScope
      .run(() =>
        startChild('materialize', {
          workflowId: backfillChildWorkflowId(input.backfillId, unit.id),
          args: [plan],
          staticSummary: `Backfill ${input.backfillId}: ${fitNameList([...new Set(plan.assetKeys.length > 0 ? plan.assetKeys : unit.nodes.map((n) => n.step))])}${unit.label === null ? '' : ` [${unit.label}]`}`,
          cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          typedSearchAttributes: attributes as any,
        }).then((child) => child.result()),
      )
      .then(
        () => finish(unit, { kind: 'done' }),
        (error) => {
          if (isCancellation(error) || cancelRequested) finish(unit, { kind: 'canceled' });
          else if (unit.attempt <= input.partitionRetries) finish(unit, { kind: 'retry' });
          else finish(unit, { kind: 'failed', result: runResultOf(error) });
        },
      );
  };

  /** The failed asset partition at the root of a failure among what `unit` reads, if any. */
  const failedRead = (unit: BackfillUnit): string | undefined => {
    if (failures.size === 0) return undefined;
    for (const [a, b] of unit.after) {
      if (b - a < failures.size) {
        for (let i = a; i <= b; i++) {
          const root = failures.get(i);
          if (root !== undefined) return root;
        }
      } else {
        for (const [i, root] of failures) if (i >= a && i <= b) return root;
      }
    }
    return undefined;
  };
  const waiting = (unit: BackfillUnit): boolean => {
    for (const [a, b] of unit.after) {
      if (b - a < unfinished.size) {
        for (let i = a; i <= b; i++) if (unfinished.has(i)) return true;
      } else {
        for (const i of unfinished) if (i >= a && i <= b) return true;
      }
    }
    return false;
  };

  /** Blocks units whose reads failed (returned, to be recorded) and launches the ready ones, in order. */
  const schedule = (): BackfillUnitsBlockedInput['blocked'] => {
    const blockedNow: BackfillUnitsBlockedInput['blocked'] = [];
    if (cancelRequested) return blockedNow;
    for (let i = 0; i < pending.length; ) {
      // No slot free and nothing failed: no unit can start or be blocked, so the rest of the scan would do nothing.
      if ((state.paused || running.size >= input.maxConcurrent) && failures.size === 0) break;
      const unit = pending[i]!;
      const root = failedRead(unit);
      if (root !== undefined) {
        pending.splice(i, 1);
        for (const n of unit.nodes) {
          unfinished.delete(n.index);
          fail(n.index, assetPartitionName(n.step, unit.label), root);
        }
        blockedNow.push({ unit: { ...unit, after: [] }, steps: unit.nodes.map((n) => n.step), blockedBy: root });
        continue;
      }
      if (state.paused || running.size >= input.maxConcurrent || waiting(unit)) {
        i += 1;
        continue;
      }
      pending.splice(i, 1);
      launch(unit);
    }
    return blockedNow;
  };

  const timeToContinueAsNew = () => launchedThisRun >= input.childrenPerWorkflowRun || workflowInfo().continueAsNewSuggested;
  const pageLimit = Math.min(500, Math.max(100, input.maxConcurrent * 2));
  const wantPage = () => state.nextOffset !== null && pending.length < Math.max(MAX_PENDING_UNITS, input.maxConcurrent * 2);

  try {
    for (;;) {
      if (!cancelRequested && !state.paused && wantPage() && !timeToContinueAsNew()) {
        const page = await fetchUnits({
          backfillId: input.backfillId,
          plan: input.template,
          partitions: input.partitions,
          only: input.only,
          grouping: graph.grouping,
          offset: state.nextOffset!,
          limit: pageLimit,
        });
        for (const unit of page.units) {
          pending.push({ ...unit, attempt: 1 });
          for (const n of unit.nodes) unfinished.add(n.index);
        }
        state.skipped += page.skipped;
        state.nextOffset = page.nextOffset;
      }
      if (!timeToContinueAsNew()) {
        const blockedNow = schedule();
        if (blockedNow.length > 0) await recordBlocked({ backfillId: input.backfillId, plan: input.template, blocked: blockedNow, failedAt: Date.now() });
      }
      report();
      if (cancelRequested) break;
      const exhausted = state.nextOffset === null && pending.length === 0;
      if (exhausted && running.size === 0) break;
      if (timeToContinueAsNew() && running.size === 0) {
        await condition(allHandlersFinished);
        const carried: BackfillState = {
          ...state,
          pendingUnits: pending,
          blocked,
          failures: latestFailures(failures),
          blockedItems,
          runsStarted,
        };
        await continueAsNew<(input: BackfillWorkflowInput) => Promise<BackfillProgress>>({ ...input, state: carried });
      }
      changed = false;
      const needPage = wantPage();
      await condition(() => changed || (needPage && !state.paused && !timeToContinueAsNew()));
    }
  } catch (error) {
    if (!isCancellation(error)) throw error;
    cancelRequested = true;
  }

  if (cancelRequested) {
    await CancellationScope.nonCancellable(async () => {
      childScope.cancel();
      await condition(() => running.size === 0);
    });
    report();
    return progress('canceled');
  }
  const result = progress(state.failed + blocked > 0 ? 'completed_with_failures' : 'completed');
  setCurrentDetails(`${result.status}: ${result.done} done, ${result.failed} failed, ${result.blocked} blocked of ${result.total} asset partitions (${result.runs} runs)`);
  return result;
}

/** The latest failed and blocked nodes to carry across continue-as-new: at most {@link MAX_CARRIED_FAILURES} and {@link MAX_CARRIED_FAILURE_BYTES} of names. */
function latestFailures(failures: Map<number, string>): [number, string][] {
  const all = [...failures];
  let bytes = 0;
  let first = all.length;
  while (first > 0 && all.length - first < MAX_CARRIED_FAILURES) {
    bytes += all[first - 1]![1].length + 16;
    if (bytes > MAX_CARRIED_FAILURE_BYTES) break;
    first -= 1;
  }
  return all.slice(first);
}

/** The `RunResult` a failed child attached to its failure, or null (it crashed, timed out, was terminated). */
function runResultOf(error: unknown): RunResult | null {
  for (let e: unknown = error; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (e instanceof ApplicationFailure && e.type === RUN_FAILED_ERROR_TYPE) {
      const details = e.details?.[0] as RunResult | undefined;
      return details && Array.isArray(details.steps) ? details : null;
    }
  }
  return null;
}

/** The plan of one unit: the template's steps of the unit, with the unit's partition, a new run id and the backfill id. */
function unitPlan(template: Plan, unit: BackfillUnit, backfillId: string): Plan {
  const keys = new Set(unit.steps);
  const steps = template.steps
    .filter((s) => keys.has(s.key))
    .map((step) => ({
      ...step,
      dependsOn: step.dependsOn.filter((d) => keys.has(d)),
      partitionKey: unit.label === null ? null : unit.partitionKey,
      partitionRange: unit.label === null ? null : unit.partitionRange,
      summary: unit.label === null ? step.summary : `${step.summary} [${unit.label}]`,
    }));
  const plan: Plan = {
    ...template,
    runId: uuid4(),
    assetKeys: [...new Set(steps.filter((s) => s.kind !== 'check').flatMap((s) => s.assetKeys))],
    partitionKey: unit.label === null ? null : unit.partitionKey,
    partitionRange: unit.label === null ? null : unit.partitionRange,
    backfillId,
    steps,
  };
  if (unit.definitionsHash !== undefined) plan.definitionsHash = unit.definitionsHash;
  else delete plan.definitionsHash;
  return plan;
}
