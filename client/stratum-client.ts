import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { backfillWorkflowId, type BackfillPartitions, type BackfillRequest, type BackfillWorkflowInput } from '../sdk/protocol/backfill';
import { countBackfillItems } from '../sdk/planning/backfill-items';
import { InvalidRunRequestError, StratumError } from '../sdk/errors/errors';
import { backfillHandle, newBackfillId, type BackfillHandle } from './backfill-handle';
import { loadPartitionContext } from '../sdk/definitions/partition-context';
import type { PartitionContext } from '../sdk/partitions';
import { RUN_FAILED_ERROR_TYPE, runWorkflowId, type Plan, type RunResult } from '../sdk/protocol/plan';
import { createPlan, type PlanRequest } from '../sdk/planning/planner';
import { fitKeywordList, StratumSearchAttributes } from '../sdk/protocol/search-attributes';
import { runSearchAttributes, runSummary } from '../sdk/planning/run-search-attributes';
import { defaultTaskQueue } from '../sdk/definitions/settings';

/** A run that finished with failed steps; `result` has every step's status. */
export class RunFailedError extends StratumError {
  readonly code = 'STRATUM_RUN_FAILED';
  constructor(readonly result: RunResult | null, message: string) {
    super(message);
  }
}

/** A started run: its plan and the Temporal handle of its workflow. */
export interface RunHandle {
  plan: Plan;
  workflowId: string;
  handle: WorkflowHandle;
  /** Waits for the run; resolves with its result, rejects with {@link RunFailedError}. */
  result(): Promise<RunResult>;
}

/**
 * Starts and inspects Stratum runs from app code and the CLI: plans a request against the
 * definitions (refusing bad selections, config and partition keys before anything starts)
 * and starts the `materialize` workflow with ids, summaries and search attributes that make
 * runs easy to find in the Temporal web UI.
 */
export class StratumClient {
  readonly taskQueue: string;

  constructor(
    readonly client: Client,
    readonly definitions: Definitions,
    readonly options: { taskQueue?: string; catalog?: Catalog } = {},
  ) {
    this.taskQueue = options.taskQueue ?? defaultTaskQueue();
  }

  /** The plan for a request, with dynamic partition keys read from the catalog. */
  async plan(request: PlanRequest): Promise<Plan> {
    return createPlan(this.definitions, { ...request, partitionContext: request.partitionContext ?? (await this.partitionContext()) });
  }

  /** The partition maths context: now, and dynamic partition keys from the catalog. */
  async partitionContext(): Promise<PartitionContext> {
    return this.options.catalog ? loadPartitionContext(this.options.catalog, this.definitions) : { now: new Date() };
  }

  /** Plans and starts a run; returns at once. */
  async start(request: PlanRequest): Promise<RunHandle> {
    const plan = await this.plan(request);
    return this.startPlan(plan);
  }

  /** Starts a run of an existing plan. */
  async startPlan(plan: Plan): Promise<RunHandle> {
    const workflowId = runWorkflowId(plan.label, plan.runId);
    const handle = await this.client.workflow.start('materialize', {
      workflowId,
      taskQueue: this.taskQueue,
      args: [plan],
      staticSummary: runSummary(plan),
      staticDetails: runDetails(plan),
      typedSearchAttributes: runSearchAttributes(plan),
    });
    return { plan, workflowId, handle, result: () => awaitRunResult(handle) };
  }

  /**
   * Starts a backfill: validates the selection, partitions and config and counts the child runs
   * (reading the catalog for `only`) before anything starts, then starts the `backfill` workflow.
   *
   * @example
   * const backfill = await stratum.startBackfill({ selection: 'group:sales', partitions: { from: '2024-01-01', to: '2024-03-31' }, maxConcurrent: 16 });
   * console.log(await backfill.result());
   */
  async startBackfill(request: BackfillRequest): Promise<BackfillHandle> {
    const maxConcurrent = request.maxConcurrent ?? 8;
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1 || maxConcurrent > 1_000) {
      throw new InvalidRunRequestError(`maxConcurrent must be a whole number from 1 to 1000 (Temporal allows 2,000 pending child workflows), got ${maxConcurrent}.`);
    }
    const partitionRetries = request.partitionRetries ?? 0;
    if (!Number.isInteger(partitionRetries) || partitionRetries < 0) throw new InvalidRunRequestError(`partitionRetries must be a whole number >= 0, got ${partitionRetries}.`);
    if (!this.options.catalog) throw new InvalidRunRequestError('StratumClient needs a catalog to start backfills: new StratumClient(client, defs, { catalog }).');
    const target = request.job !== undefined ? { job: request.job } : { selection: request.selection };
    const ctx = await this.partitionContext();
    const shapePlan = createPlan(this.definitions, { ...target, config: request.config, deferPartition: true, partitionContext: ctx });
    const only = request.only ?? null;
    const { items, first } = await countBackfillItems(this.definitions, this.options.catalog, shapePlan, { partitions: request.partitions, only }, ctx);
    const backfillId = request.backfillId ?? newBackfillId();
    const template = createPlan(this.definitions, {
      ...target,
      config: request.config,
      tags: request.tags,
      backfillId,
      partitionContext: ctx,
      ...(first ? { partitionKey: first.partitionKey, partitionRange: first.partitionRange } : { deferPartition: true }),
    });
    const input: BackfillWorkflowInput = {
      backfillId,
      template,
      partitions: request.partitions,
      only,
      maxConcurrent,
      partitionRetries,
      childrenPerWorkflowRun: request.childrenPerWorkflowRun ?? 2_000,
      total: items,
    };
    const handle = await this.client.workflow.start('backfill', {
      workflowId: backfillWorkflowId(backfillId),
      taskQueue: this.taskQueue,
      args: [input],
      staticSummary: `Backfill ${template.job ?? template.label}: ${items} run${items === 1 ? '' : 's'} (${describePartitions(request.partitions)}${only ? `, ${only} only` : ''})`,
      typedSearchAttributes: [
        { key: StratumSearchAttributes.kind, value: 'backfill' },
        { key: StratumSearchAttributes.backfillId, value: backfillId },
        { key: StratumSearchAttributes.assetKeys, value: fitKeywordList(template.assetKeys) },
        { key: StratumSearchAttributes.job, value: template.job ?? template.label },
      ] as any,
    });
    return backfillHandle(backfillId, handle, items);
  }

  /** A handle on an existing backfill. */
  backfill(backfillId: string): BackfillHandle {
    return backfillHandle(backfillId, this.client.workflow.getHandle(backfillWorkflowId(backfillId)), -1);
  }

  /** Plans, starts and waits for a run. */
  async materialize(request: PlanRequest): Promise<RunResult> {
    return (await this.start(request)).result();
  }
}

function describePartitions(partitions: BackfillPartitions): string {
  if ('all' in partitions) return 'all partitions';
  if ('keys' in partitions) return partitions.keys.length <= 3 ? partitions.keys.join(', ') : `${partitions.keys.length} partitions`;
  return `${partitions.from} to ${partitions.to}`;
}

/** Waits for a run's workflow and turns a failed run into {@link RunFailedError} with its result. */
export async function awaitRunResult(handle: WorkflowHandle): Promise<RunResult> {
  try {
    return (await handle.result()) as RunResult;
  } catch (error) {
    if (error instanceof WorkflowFailedError) {
      const cause = error.cause;
      if (cause instanceof ApplicationFailure && cause.type === RUN_FAILED_ERROR_TYPE) {
        throw new RunFailedError((cause.details?.[0] as RunResult) ?? null, cause.message);
      }
      throw new RunFailedError(null, `Run ${handle.workflowId} failed: ${deepestMessage(error)}`);
    }
    throw error;
  }
}

/** The message of the innermost cause: what actually went wrong, not "Activity task failed". */
function deepestMessage(error: Error): string {
  let current: Error = error;
  while (current.cause instanceof Error) current = current.cause;
  return current.message;
}

export { runSearchAttributes, runSummary };

function runDetails(plan: Plan): string {
  return [
    `**Run** ${plan.runId}`,
    `**Target** ${plan.target.kind === 'job' ? `job ${plan.target.job}` : `selection \`${plan.target.selection}\``}`,
    '',
    ...plan.steps.map((s) => `- \`${s.key}\`${s.dependsOn.length ? ` after ${s.dependsOn.map((d) => `\`${d}\``).join(', ')}` : ''}`),
  ].join('\n');
}
