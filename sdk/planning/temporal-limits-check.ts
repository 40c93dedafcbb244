/**
 * Names and requests checked against Temporal's limits before anything starts, so an over-long
 * name is refused with the limit it breaks instead of hanging a run (an activity type the server
 * will not schedule) or failing with `ServiceError: Failed to start Workflow`.
 */
import type { Definitions } from '../definitions/definitions';
import { sensorsOf } from '../automation/sensors/code-location-sensors';
import { scheduleIdOf } from '../automation/schedules/schedule';
import { NameOverLimitError, RequestOverLimitError } from '../errors';
import type { PartitionsSpec } from '../partitions/definition/partitions-definition';
import { backfillChildWorkflowId } from '../protocol/backfill';
import { runWorkflowId, type Plan } from '../protocol/plan';
import { planSizeProblems } from '../protocol/plan-reference';
import { sensorWorkflowId } from '../protocol/sensor-contract';
import { formatBytes, TEMPORAL_LIMITS, utf8Length } from '../protocol/temporal-limits';
import type { PlanRequest } from './planner';
import { runSearchAttributes } from './run-search-attributes';

/**
 * Longest partition key Stratum accepts, in UTF-8 bytes. A key lives in workflow ids and search
 * attributes: with it, a backfill's child id `stratum/backfill/<id>/<from>...<to>` stays within
 * Temporal's 1,000-byte id limit and the `StratumPartition` search attribute within 2,048 bytes.
 */
export const MAX_PARTITION_KEY_BYTES = 400;

/** Longest backfill id, so that its children's workflow ids fit (see {@link MAX_PARTITION_KEY_BYTES}). */
const MAX_BACKFILL_ID_BYTES = TEMPORAL_LIMITS.id.bytes - utf8Length(backfillChildWorkflowId('', `${'k'.repeat(MAX_PARTITION_KEY_BYTES)}...${'k'.repeat(MAX_PARTITION_KEY_BYTES)}`));

/** A schedule's runs have workflow id `<schedule id>-<RFC 3339 time>`; its scheduler workflow is `temporal-sys-scheduler:<schedule id>`. */
const SCHEDULE_ID_OVERHEAD = Math.max('-2024-01-01T00:00:00Z'.length, 'temporal-sys-scheduler:'.length);
const RUN_ID_SAMPLE = '00000000-0000-0000-0000-000000000000';

const ID = TEMPORAL_LIMITS.id;
const idLimit = `Temporal's limit of ${formatBytes(ID.bytes)} (${ID.setting})`;

/** `"abcdefgh…" (10,000 bytes)`: a long name shortened for messages. */
function shown(name: string): string {
  return `"${name.length > 60 ? `${name.slice(0, 57)}...` : name}" (${formatBytes(utf8Length(name))})`;
}

/** Why a partition key is too long, or null. */
export function partitionKeyLengthProblem(key: string): string | null {
  const bytes = utf8Length(key);
  if (bytes <= MAX_PARTITION_KEY_BYTES) return null;
  return (
    `partition key ${shown(key)} is longer than ${formatBytes(MAX_PARTITION_KEY_BYTES)}, the most Stratum accepts so that every workflow id ` +
    `(${idLimit}) and search attribute (${formatBytes(TEMPORAL_LIMITS.searchAttributeValue.bytes)}, ${TEMPORAL_LIMITS.searchAttributeValue.setting}) holding it fits; use a shorter key`
  );
}

/**
 * Checks every name of a code location that ends up in a Temporal id: step keys and asset keys
 * (activity types), asset check steps, job names (run workflow ids), schedule names (schedule ids
 * and the ids of their runs), sensor names (workflow ids), static partition keys. Run by
 * `validateDefinitions`, i.e. when the CLI loads a definitions module and before a worker starts.
 *
 * @throws NameOverLimitError listing every name over a limit.
 */
export function checkDefinitionLimits(definitions: Definitions): void {
  const problems: { name: string; problem: string }[] = [];
  const activityType = (label: string, key: string) => {
    const bytes = utf8Length(key);
    if (bytes > ID.bytes) problems.push({ name: `${label} ${shown(key)}`, problem: `it is the Temporal activity type of its step, over ${idLimit}` });
  };
  const seen = new Set<string>();
  for (const [key, spec] of definitions.steps) {
    seen.add(key);
    activityType(spec.kind === 'op' ? 'op step' : spec.kind === 'multi-asset' ? 'multi-asset' : 'asset key', key);
  }
  for (const key of definitions.assetChecks.keys()) {
    if (!seen.has(key)) activityType('asset check step', key);
    seen.add(key);
  }
  for (const key of definitions.assetNodes.keys()) {
    if (seen.has(key)) continue;
    if (utf8Length(key) > ID.bytes) problems.push({ name: `asset key ${shown(key)}`, problem: `over ${idLimit}, which every Stratum name in Temporal must fit` });
  }
  for (const job of definitions.jobs) {
    if (utf8Length(runWorkflowId(job.name, RUN_ID_SAMPLE)) > ID.bytes) {
      problems.push({ name: `job ${shown(job.name)}`, problem: `its runs' workflow ids (stratum/run/<job>/<run id>) would be over ${idLimit}` });
    }
  }
  for (const schedule of definitions.schedules) {
    if (utf8Length(scheduleIdOf(schedule.name)) + SCHEDULE_ID_OVERHEAD > ID.bytes) {
      problems.push({ name: `schedule ${shown(schedule.name)}`, problem: `its schedule id and its runs' workflow ids (stratum/schedule/<name>-<time>) would be over ${idLimit}` });
    }
  }
  for (const sensor of sensorsOf(definitions)) {
    if (utf8Length(sensorWorkflowId(sensor.name)) > ID.bytes) {
      problems.push({ name: `sensor ${shown(sensor.name)}`, problem: `its workflow id (stratum/sensor/<name>) would be over ${idLimit}` });
    }
  }
  const partitionsSeen = new Set<unknown>();
  for (const node of definitions.steps.values()) {
    if (!node.partitions || partitionsSeen.has(node.partitions)) continue;
    partitionsSeen.add(node.partitions);
    for (const key of staticKeys(node.partitions.spec as PartitionsSpec)) {
      const problem = partitionKeyLengthProblem(key);
      if (problem) problems.push({ name: `static partitions of ${node.owner}`, problem });
    }
  }
  if (problems.length > 0) throw new NameOverLimitError(problems);
}

function staticKeys(spec: PartitionsSpec): readonly string[] {
  if (spec.kind === 'static') return spec.keys;
  if (spec.kind === 'multi') return spec.dimensions.flatMap((d) => (d.partitions.kind === 'static' ? d.partitions.keys : []));
  return [];
}

/**
 * Checks what a request names before it is planned: partition keys (or a range's ends) and the
 * run id, so an over-long key is refused with the limit rather than as an unknown key.
 *
 * @throws RequestOverLimitError
 */
export function checkRequestLimits(request: PlanRequest): void {
  const problems: string[] = [];
  const keys = [request.partitionKey, request.partitionRange?.from, request.partitionRange?.to].filter((k): k is string => typeof k === 'string');
  for (const key of keys) {
    const problem = partitionKeyLengthProblem(key);
    if (problem) problems.push(problem);
  }
  if (request.backfillId) problems.push(...backfillIdProblems(request.backfillId));
  if (problems.length > 0) throw new RequestOverLimitError(problems);
}

/** Why a backfill id is too long for its children's workflow ids. */
export function backfillIdProblems(backfillId: string): string[] {
  const bytes = utf8Length(backfillId);
  if (bytes <= MAX_BACKFILL_ID_BYTES) return [];
  return [`backfill id ${shown(backfillId)} is longer than ${formatBytes(MAX_BACKFILL_ID_BYTES)}, so its child runs' workflow ids (stratum/backfill/<id>/<partition>) would be over ${idLimit}; use a shorter id`];
}

/**
 * Checks a plan against what starting its run sends to Temporal: the run's workflow id, each
 * search attribute value, and the plan's size: a plan past the payload limit runs by reference
 * (stored in the catalog), but a step whose own config passes a page, or a plan past 8 MiB, cannot
 * (`planSizeProblems`). Run at the end of `createPlan`.
 *
 * @throws RequestOverLimitError naming each limit and the largest parts of an over-large plan.
 */
export function checkPlanLimits(plan: Plan): void {
  const problems: string[] = [];
  const workflowId = runWorkflowId(plan.label, plan.runId, plan.location);
  if (utf8Length(workflowId) > ID.bytes) {
    problems.push(`the run's workflow id ${shown(workflowId)} is over ${idLimit}; use a shorter run id`);
  }
  const attributes = runSearchAttributes(plan) as { key: { name: string }; value: unknown }[];
  let total = 0;
  for (const { key, value } of attributes) {
    const bytes = utf8Length(JSON.stringify(value));
    total += bytes + utf8Length(key.name);
    if (bytes > TEMPORAL_LIMITS.searchAttributeValue.bytes) {
      problems.push(
        `search attribute ${key.name} would be ${formatBytes(bytes)}, over Temporal's limit of ${formatBytes(TEMPORAL_LIMITS.searchAttributeValue.bytes)} per value (${TEMPORAL_LIMITS.searchAttributeValue.setting}); shorten the name it holds`,
      );
    }
  }
  if (total > TEMPORAL_LIMITS.searchAttributesTotal.bytes) {
    problems.push(`the run's search attributes would be ${formatBytes(total)} together, over Temporal's limit of ${formatBytes(TEMPORAL_LIMITS.searchAttributesTotal.bytes)} (${TEMPORAL_LIMITS.searchAttributesTotal.setting})`);
  }
  // A plan past the payload limit runs by reference (sdk/protocol/plan-reference.ts); what cannot is refused here.
  problems.push(...planSizeProblems(plan));
  if (problems.length > 0) throw new RequestOverLimitError(problems);
}

/** Checks a backfill workflow's input (template plan, partition keys) against the payload limit. */
export function checkBackfillInputLimits(input: { backfillId: string; template: Plan; partitions: unknown }): void {
  const problems = backfillIdProblems(input.backfillId);
  const bytes = utf8Length(JSON.stringify(input));
  if (bytes > TEMPORAL_LIMITS.payload.bytes - 4_096) {
    problems.push(
      `the backfill's workflow input is ${formatBytes(bytes)} (partition list ${formatBytes(utf8Length(JSON.stringify(input.partitions)))}, run template ${formatBytes(utf8Length(JSON.stringify(input.template)))}), ` +
        `over Temporal's payload limit of ${formatBytes(TEMPORAL_LIMITS.payload.bytes)} (${TEMPORAL_LIMITS.payload.setting}); give a range (--from/--to) or --all instead of a long key list, and pass large config by reference`,
    );
  }
  if (problems.length > 0) throw new RequestOverLimitError(problems);
}
