import type { Client } from '@temporalio/client';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { InvalidRunRequestError } from '../sdk/errors';
import type { PartitionContext } from '../sdk/partitions';
import { backfillGraph } from '../sdk/planning/backfill-graph';
import { countBackfillUnits } from '../sdk/planning/backfill-units';
import { createPlan } from '../sdk/planning/planner';
import { checkBackfillInputLimits } from '../sdk/planning/temporal-limits-check';
import { backfillWorkflowId, type BackfillPartitions, type BackfillRequest, type BackfillWorkflowInput } from '../sdk/protocol/backfill';
import { fitKeywordList, locationSearchAttributes, StratumSearchAttributes } from '../sdk/protocol/search-attributes';
import { backfillHandle, newBackfillId, type BackfillHandle } from './backfill-handle';
import { withStartRefusal } from './start-refusal';

/** What {@link startBackfill} works with. */
export interface StartBackfillDeps {
  client: Client;
  definitions: Definitions;
  catalog: Catalog;
  taskQueue: string;
  partitionContext: PartitionContext;
}

/**
 * Starts a backfill: validates the selection, partitions and config and counts the child runs
 * (reading the catalog for `only`) before anything starts, then starts the `backfill` workflow
 * (`stratum/backfill/<id>`). What `StratumClient.startBackfill` runs.
 */
export async function startBackfill(deps: StartBackfillDeps, request: BackfillRequest): Promise<BackfillHandle> {
  return startPlannedBackfill(deps.client, deps.taskQueue, await planBackfill(deps, request));
}

/** A backfill validated and counted by {@link planBackfill}, ready to start. */
export interface PlannedBackfill {
  /** The `backfill` workflow's input (id, template plan, partitions, counts). */
  readonly input: BackfillWorkflowInput;
  /** One line for the Temporal UI. */
  readonly summary: string;
}

/**
 * Everything {@link startBackfill} checks, without starting anything: the selection, partitions
 * (a reversed range, unknown keys), config, limits, and the number of child runs. The CLI plans
 * first, so a refused request never starts a worker.
 */
export async function planBackfill(deps: Omit<StartBackfillDeps, 'client' | 'taskQueue'>, request: BackfillRequest): Promise<PlannedBackfill> {
  const { definitions, catalog, partitionContext: ctx } = deps;
  const maxConcurrent = request.maxConcurrent ?? 8;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1 || maxConcurrent > 1_000) {
    throw new InvalidRunRequestError(`maxConcurrent must be a whole number from 1 to 1000 (Temporal allows 2,000 pending child workflows), got ${maxConcurrent}.`);
  }
  const partitionRetries = request.partitionRetries ?? 0;
  if (!Number.isInteger(partitionRetries) || partitionRetries < 0) throw new InvalidRunRequestError(`partitionRetries must be a whole number >= 0, got ${partitionRetries}.`);
  const target = request.job !== undefined ? { job: request.job } : { selection: request.selection };
  const only = request.only ?? null;
  const grouping = request.grouping ?? 'asset-partition';
  const backfillId = request.backfillId ?? newBackfillId();
  // The template holds every step without a partition; each child run gets its unit's steps and partition.
  const template = createPlan(definitions, { ...target, config: request.config, tags: request.tags, backfillId, partitionContext: ctx, deferPartition: true });
  const graph = backfillGraph(definitions, template, { partitions: request.partitions, grouping }, ctx);
  const counted = await countBackfillUnits(definitions, catalog, graph, only, ctx);
  const items = counted.nodes;
  const input: BackfillWorkflowInput = {
    backfillId,
    template,
    partitions: request.partitions,
    only,
    maxConcurrent,
    partitionRetries,
    childrenPerWorkflowRun: request.childrenPerWorkflowRun ?? 2_000,
    total: items,
    graph: { grouping, runs: counted.runs },
  };
  checkBackfillInputLimits(input);
  const runs = counted.runs;
  return {
    input,
    summary: `Backfill ${template.job ?? template.label}: ${items} asset partition${items === 1 ? '' : 's'} in ${runs} run${runs === 1 ? '' : 's'} (${describePartitions(request.partitions)}${only ? `, ${only} only` : ''})`,
  };
}

/** Starts the `backfill` workflow of a {@link PlannedBackfill} on `taskQueue`. */
export async function startPlannedBackfill(client: Client, taskQueue: string, planned: PlannedBackfill): Promise<BackfillHandle> {
  const { input, summary } = planned;
  const { backfillId, template } = input;
  const workflowId = backfillWorkflowId(backfillId);
  const handle = await withStartRefusal(`backfill ${backfillId} (workflow ${workflowId})`, () => client.workflow.start('backfill', {
    workflowId,
    taskQueue,
    args: [input],
    staticSummary: summary,
    typedSearchAttributes: [
      { key: StratumSearchAttributes.kind, value: 'backfill' },
      { key: StratumSearchAttributes.backfillId, value: backfillId },
      { key: StratumSearchAttributes.assetKeys, value: fitKeywordList(template.assetKeys) },
      { key: StratumSearchAttributes.job, value: template.job ?? template.label },
      ...locationSearchAttributes(template.location),
    ] as any,
  }));
  return backfillHandle(backfillId, handle, input.graph?.runs ?? input.total, input.graph ? input.total : null);
}

function describePartitions(partitions: BackfillPartitions): string {
  if ('all' in partitions) return 'all partitions';
  if ('keys' in partitions) return partitions.keys.length <= 3 ? partitions.keys.join(', ') : `${partitions.keys.length} partitions`;
  return `${partitions.from} to ${partitions.to}`;
}
