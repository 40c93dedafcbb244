import {
  allHandlersFinished,
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
  BACKFILL,
  backfillChildWorkflowId,
  type BackfillItem,
  type BackfillItemsFailedInput,
  type BackfillItemsInput,
  type BackfillItemsPage,
  type BackfillProgress,
  type BackfillState,
  type BackfillWorkflowInput,
} from '../sdk/protocol/backfill';
import type { Plan } from '../sdk/protocol/plan';
import { graphBackfill } from './backfill-graph';
import { fitKeywordList, StratumSearchAttributes } from '../sdk/protocol/search-attributes';
import { fitNameList } from '../sdk/protocol/summary-text';

const fetchItems = proxyActivities<Record<string, (input: BackfillItemsInput) => Promise<BackfillItemsPage>>>({
  startToCloseTimeout: '2m',
  retry: { maximumAttempts: 10, initialInterval: '1s', nonRetryableErrorTypes: ['PartitionKeyError', 'InvalidRunRequestError'] },
})[BACKFILL.itemsActivity] as (input: BackfillItemsInput) => Promise<BackfillItemsPage>;

const recordItemsFailed = proxyActivities({ startToCloseTimeout: '2m', retry: { maximumAttempts: 10, initialInterval: '1s' } })[
  BACKFILL.itemsFailedActivity
] as (input: BackfillItemsFailedInput) => Promise<void>;

type PendingItem = BackfillItem & { attempt: number };

/** Failed item ids carried across continue-as-new (bounded so the input stays far below 2 MB). */
const MAX_CARRIED_FAILURES = 10_000;

/**
 * A backfill: one child `materialize` run per partition (or per chunk of partitions under a
 * backfill policy), at most `maxConcurrent` in flight, each waiting for the earlier items it
 * depends on. Failed children are retried `partitionRetries` times, then counted as failed;
 * items depending on them are failed too. Answers a progress query and takes pause, resume and
 * cancel signals. Items are fetched a page at a time from an activity, and the workflow
 * continues-as-new (after its in-flight children finish) every `childrenPerWorkflowRun`
 * children or when Temporal suggests it, so 100,000 partitions stay within history limits.
 */
export async function backfill(input: BackfillWorkflowInput): Promise<BackfillProgress> {
  if (input.graph) return graphBackfill(input, input.graph);
  return partitionBackfill(input);
}

/** Backfills started before graph planning (their histories replay here): one child run per item. */
async function partitionBackfill(input: BackfillWorkflowInput): Promise<BackfillProgress> {
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
  const failed = new Set(state.failedItems);
  const running = new Map<string, PendingItem>();
  const unfinished = () => new Set([...running.keys(), ...state.pending.map((p) => p.id)]);
  let cancelRequested = false;
  let changed = false;
  let launchedThisRun = 0;
  const wake = () => {
    changed = true;
  };

  const progress = (status?: BackfillProgress['status']): BackfillProgress => {
    const finished = state.done + state.failed;
    const elapsed = Math.max(1, Date.now() - state.startedAt) / 1000;
    return {
      backfillId: input.backfillId,
      status: status ?? (cancelRequested ? 'canceling' : state.paused ? 'paused' : 'running'),
      total: input.total,
      done: state.done,
      failed: state.failed,
      running: running.size,
      remaining: Math.max(0, input.total - finished - running.size),
      blocked: 0,
      skipped: state.skipped,
      ratePerSec: Math.round((finished / elapsed) * 100) / 100,
      startedAt: state.startedAt,
      workflowRuns: state.workflowRuns,
      failedItems: [...failed].slice(0, 100),
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
    setCurrentDetails(`${p.status}: ${p.done} done, ${p.failed} failed, ${p.running} running, ${p.remaining} remaining of ${p.total} (${p.ratePerSec}/s)`);
  };

  const finish = (item: PendingItem, outcome: 'done' | 'failed' | 'retry' | 'canceled') => {
    running.delete(item.id);
    if (outcome === 'retry') state.pending.unshift({ ...item, attempt: item.attempt + 1 });
    else if (outcome === 'done') state.done += 1;
    else if (outcome === 'failed') {
      state.failed += 1;
      failed.add(item.id);
    }
    wake();
  };

  const launch = (item: PendingItem) => {
    running.set(item.id, item);
    launchedThisRun += 1;
    const plan = childPlan(input.template, item, input.backfillId);
    childScope
      .run(() =>
        startChild('materialize', {
          workflowId: backfillChildWorkflowId(input.backfillId, item.id),
          args: [plan],
          staticSummary: `Backfill ${input.backfillId}: ${fitNameList(plan.assetKeys)} [${item.id}]`,
          cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          typedSearchAttributes: [
            { key: StratumSearchAttributes.kind, value: 'run' },
            { key: StratumSearchAttributes.assetKeys, value: fitKeywordList(plan.assetKeys) },
            { key: StratumSearchAttributes.job, value: plan.job ?? plan.label },
            { key: StratumSearchAttributes.partition, value: item.id },
            { key: StratumSearchAttributes.backfillId, value: input.backfillId },
          ] as any,
        }).then((child) => child.result()),
      )
      .then(
        () => finish(item, 'done'),
        (error) => {
          if (isCancellation(error) || cancelRequested) finish(item, 'canceled');
          else finish(item, item.attempt <= input.partitionRetries ? 'retry' : 'failed');
        },
      );
  };

  /** Launches ready items; items whose dependencies failed fail without running (returned, to be recorded). */
  const schedule = (): BackfillItemsFailedInput['items'] => {
    const blocked: BackfillItemsFailedInput['items'] = [];
    if (state.paused || cancelRequested) return blocked;
    const waitingOn = unfinished();
    for (let i = 0; i < state.pending.length && running.size < input.maxConcurrent; ) {
      const item = state.pending[i]!;
      const failedDependency = item.after.find((d) => failed.has(d));
      if (failedDependency !== undefined) {
        state.pending.splice(i, 1);
        state.failed += 1;
        failed.add(item.id);
        blocked.push({ item, blockedBy: failedDependency });
        continue;
      }
      if (item.after.some((d) => waitingOn.has(d) && d !== item.id)) {
        i += 1;
        continue;
      }
      state.pending.splice(i, 1);
      launch(item);
    }
    return blocked;
  };

  const timeToContinueAsNew = () => launchedThisRun >= input.childrenPerWorkflowRun || workflowInfo().continueAsNewSuggested;

  try {
    for (;;) {
      if (!cancelRequested && !state.paused && state.nextOffset !== null && state.pending.length < input.maxConcurrent * 2 && !timeToContinueAsNew()) {
        const page = await fetchItems({
          backfillId: input.backfillId,
          plan: input.template,
          partitions: input.partitions,
          only: input.only,
          offset: state.nextOffset,
          limit: Math.max(100, input.maxConcurrent * 4),
        });
        state.pending.push(...page.items.map((item) => ({ ...item, attempt: 1 })));
        state.skipped += page.skipped;
        state.nextOffset = page.nextOffset;
      }
      if (!timeToContinueAsNew()) {
        const blocked = schedule();
        if (blocked.length > 0) await recordItemsFailed({ backfillId: input.backfillId, plan: input.template, items: blocked, failedAt: Date.now() });
      }
      report();
      if (cancelRequested) break;
      const exhausted = state.nextOffset === null && state.pending.length === 0;
      if (exhausted && running.size === 0) break;
      if (timeToContinueAsNew() && running.size === 0) {
        await condition(allHandlersFinished);
        // Dependencies point at recent items (yesterday's partition): the latest failures are the ones that matter.
        state.failedItems = [...failed].slice(-MAX_CARRIED_FAILURES);
        await continueAsNew<typeof backfill>({ ...input, state });
      }
      changed = false;
      const needPage = state.nextOffset !== null && state.pending.length < input.maxConcurrent * 2;
      await condition(() => changed || (needPage && !state.paused && !timeToContinueAsNew() && running.size < input.maxConcurrent));
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
  const result = progress(state.failed > 0 ? 'completed_with_failures' : 'completed');
  setCurrentDetails(`${result.status}: ${result.done} done, ${result.failed} failed of ${result.total}`);
  return result;
}

/** The plan of one child: the template with this item's partition, a new run id and the backfill id. */
function childPlan(template: Plan, item: BackfillItem, backfillId: string): Plan {
  const label = item.id;
  const oldLabel = template.partitionKey ?? (template.partitionRange ? `${template.partitionRange.from}...${template.partitionRange.to}` : '');
  return {
    ...template,
    runId: uuid4(),
    partitionKey: item.partitionKey,
    partitionRange: item.partitionRange,
    backfillId,
    steps: template.steps.map((step) => {
      const partitioned = step.partitionKey !== null || step.partitionRange !== null;
      return partitioned
        ? { ...step, partitionKey: item.partitionKey, partitionRange: item.partitionRange, summary: step.summary.replace(`[${oldLabel}]`, `[${label}]`) }
        : step;
    }),
  };
}

